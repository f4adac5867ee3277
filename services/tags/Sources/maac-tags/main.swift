import ServiceKit
import TagsService

// The tag manager process: configuration from flags and MAAC_* variables (ServiceKit).
let process = try ServiceProcess(name: "tags")
let pool = try await process.openDatabase(migrations: try TagManager.migrations())
let tags = TagManager(process: process, pool: pool)
try await process.serve(
  services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
