import AdminService
import Foundation
import ServiceKit

// Admin center: organizations, channels, custom fields (issue #9). Configuration from flags
// and MAAC_* variables (ServiceConfiguration); migrations applied at start-up. Who may read
// channel credentials: MAAC_ADMIN_CREDENTIAL_CALLERS (comma-separated `system:<service>`
// ids), else CredentialCallers.standard.
let process = try ServiceProcess(name: AdminServer.name)
let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
try await process.serve(
  services: AdminServer.services(
    process: process, pool: pool,
    credentialCallers: .configured(by: ProcessInfo.processInfo.environment)),
  tenancy: AdminServer.tenancy)
