import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import Testing

/// A stand-in for the LINE adapter (which lives outside the services and cannot run here):
/// channels in `invalid` have an expired credential; every question is recorded.
actor StandInLineAdapter: LineCredentialVerifier {
  let invalid: Set<Int64>
  private(set) var asked: [Int64] = []

  init(invalid: Set<Int64>) { self.invalid = invalid }

  func credentialIsValid(organizationID: Int64, channelID: Int64) async throws -> Bool {
    asked.append(channelID)
    return !invalid.contains(channelID)
  }
}

@Suite("Contacts service: LINE credential check before an import (C33)")
struct ImportLineCredentialTests {
  /// Runs `body` against contacts configured with `adapter`.
  static func run(
    adapter: StandInLineAdapter,
    _ body: (Clients, ServiceDatabase) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("contacts_line_check") { database in
      let process = ServiceProcess(
        name: "contacts",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 4,
          logLevel: .critical))
      let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
      let service = ContactsService(
        process: process, pool: pool, directory: ContactsHarness.directory,
        domainResolver: StandInDomainResolver(), peers: ContactsPeers(lineCredentials: adapter))
      let running = try await RunningService.start(
        process, services: service.services, tenancy: service.tenancy,
        background: service.background)
      do {
        try await withTestClient(to: running.address) { client in
          try await body(Clients(client), database)
        }
      } catch {
        await running.stop()
        throw error
      }
      await running.stop()
    }
  }

  @Test(
    "C33: an invalid LINE credential is FAILED_PRECONDITION CHANNEL_CREDENTIAL_INVALID and no task")
  func invalidCredentialRefused() async throws {
    let adapter = StandInLineAdapter(invalid: [ContactsHarness.line])
    try await Self.run(adapter: adapter) { api, database in
      await expectRPCError(
        .failedPrecondition, field: "channel_id", reason: "CHANNEL_CREDENTIAL_INVALID"
      ) {
        _ = try await api.importCSV("line_uid,name\n\(uid(1)),Al\n")
      }
      let pool = try database.pool(maxConnections: 1)
      let tasks = try await pool.query("SELECT count(*) AS n FROM import_task")
      #expect(try tasks.first?.decode("n", as: Int64.self) == 0)
      await pool.shutdown()
      #expect(await adapter.asked == [ContactsHarness.line])
    }
  }

  @Test("C33: a valid LINE credential lets the import run; other targets are not checked")
  func validCredentialAccepted() async throws {
    let adapter = StandInLineAdapter(invalid: [])
    try await Self.run(adapter: adapter) { api, _ in
      let task = try await api.importCSV("line_uid,name\n\(uid(1)),Al\n")
      #expect(try await api.finished(task.taskID).status == .succeeded)
      let email = try await api.importCSV(
        "email,messaging_status\nal@example.com,subscribed\n", target: .email, key: .email,
        channel: ContactsHarness.email)
      #expect(try await api.finished(email.taskID).status == .succeeded)
      #expect(await adapter.asked == [ContactsHarness.line])
    }
  }
}
