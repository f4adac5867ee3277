import AdminService
import ServiceKit

// Admin center: organizations, channels, custom fields (issue #9). Configuration from flags
// and MAAC_* variables (ServiceConfiguration); migrations applied at start-up.
let process = try ServiceProcess(name: AdminServer.name)
let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
try await process.serve(
  services: AdminServer.services(process: process, pool: pool), tenancy: AdminServer.tenancy)
