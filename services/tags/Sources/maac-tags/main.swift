import ServiceKit
import TagsService

// The tag manager process: configuration from flags and MAAC_* variables (ServiceKit).
let process = try ServiceProcess(name: "tags")
let pool = try await process.openDatabase(migrations: try TagsService.migrations())
let tags = TagsService(process: process, pool: pool)
try await process.serve(services: tags.services, tenancy: TagsService.tenancy, background: tags.background)
