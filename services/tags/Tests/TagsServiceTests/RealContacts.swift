import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import Testing

/// The REAL contacts service (library `ContactsService`) on its own schema, in process, with
/// `directory` (`org:channel:type,...`) as its organizations' channels. `body` may stop it.
func withRealContacts<T: Sendable>(
  directory: String, _ body: (RunningService) async throws -> T
) async throws -> T {
  try await TestDatabase.withServiceDatabase("tgcontacts") { database in
    let process = ServiceProcess(
      name: "contacts",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, logLevel: .critical))
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    let service = ContactsService(
      process: process, pool: pool, directory: StaticOrganizationDirectory.parse(directory))
    let contacts = try await RunningService.start(
      process, services: service.services, tenancy: service.tenancy,
      background: service.background)
    do {
      let value = try await body(contacts)
      await contacts.stop()
      await pool.shutdown()
      return value
    } catch {
      await contacts.stop()
      await pool.shutdown()
      throw error
    }
  }
}

/// Creates LINE contacts of `org` on `channels` (one per entry) through contacts' public API.
func createContacts(
  at address: HostAndPort, org: Int64, channels: [Int64], seed: Int = 0
) async throws -> [Int64] {
  try await withTestClient(to: address) { raw in
    let api = Maac_Contacts_V1_Contacts.Client(wrapping: raw)
    var created: [Int64] = []
    for (index, channel) in channels.enumerated() {
      var request = Maac_Contacts_V1_CreateContactRequest()
      request.channelType = .line
      request.channelID = channel
      request.externalID = "U" + String(format: "%032x", seed + index + 1)
      created.append(
        try await api.createContact(request, metadata: CallerContext.tenant(org).metadata).id)
    }
    return created
  }
}
