import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import TagsService
import Testing

/// The real tag manager (`TagsService`, its own schema) beside the contacts service, reached
/// over the nghttp2 transport by the import's tag command relay (C26).
struct TagsPeer {
  let database: ServiceDatabase

  /// Starts the tag manager on `database`, listening on `port` (0 = any free port).
  func start(port: Int = 0) async throws -> RunningService {
    let process = ServiceProcess(
      name: "tags",
      configuration: ServiceConfiguration(
        listen: HostAndPort(host: "127.0.0.1", port: port), databaseURL: database.url,
        databaseSchema: database.name, databasePoolSize: 4, logLevel: .critical))
    let pool = try await process.openDatabase(migrations: try TagManager.migrations())
    let tags = TagManager(process: process, pool: pool)
    return try await RunningService.start(
      process, services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
  }
}

/// Contacts with a tag manager client aimed at `tagsAddress`, whose connections it runs.
func startContacts(
  _ database: ServiceDatabase, tagsAddress: HostAndPort,
  _ body: (RunningService) async throws -> Void
) async throws {
  let client = GRPCClient(
    transport: NGHTTP2ClientTransport(
      target: .ipv4(host: tagsAddress.host, port: tagsAddress.port)))
  try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await client.runConnections() }
    let process = ServiceProcess(
      name: "contacts",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 6,
        logLevel: .critical))
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    let service = ContactsService(
      process: process, pool: pool, directory: ContactsHarness.directory,
      domainResolver: StandInDomainResolver(), importBatchSize: 2, importLease: .seconds(1),
      peers: ContactsPeers(tagManager: GRPCTagManagerClient(client: client)))
    let running = try await RunningService.start(
      process, services: service.services, tenancy: service.tenancy,
      background: service.background)
    do {
      try await body(running)
    } catch {
      await running.stop()
      client.beginGracefulShutdown()
      throw error
    }
    await running.stop()
    client.beginGracefulShutdown()
  }
}

/// What the tag manager holds for `contactID`: tag name → application count.
func tagCounts(_ contactID: Int64, at tags: HostAndPort) async throws -> [String: Int32] {
  try await withTestClient(to: tags) { client in
    var request = Maac_Tags_V1_ListContactTagsRequest()
    request.contactID = contactID
    let response = try await Maac_Tags_V1_TagManagerService.Client(wrapping: client)
      .listContactTags(request, metadata: As.user(ContactsHarness.orgA))
    return Dictionary(
      response.tags.map { ($0.tagName, $0.tagCount) }, uniquingKeysWith: { a, b in a + b })
  }
}

@Suite("Contacts service: imported tags through the real tag manager (C26)", .serialized)
struct ImportTagRelayTests {
  static let csv = """
    line_uid,name,tags
    \(uid(1)),Al,"vip, new"
    \(uid(2)),Bo,vip
    \(uid(3)),Cy,"vip,bad\u{1}tag"
    \(uid(1)),Al,new

    """

  @Test(
    "C26: EnsureTags then AttachTags for every tagged row; tags merge; a refused name is a TAG_INVALID issue"
  )
  func tagsReachTheTagManager() async throws {
    try await TestDatabase.withServiceDatabase("contacts_tags_peer") { tagsDatabase in
      let tags = try await TagsPeer(database: tagsDatabase).start()
      do {
        try await Self.importAndCheck(tags: tags.address)
      } catch {
        await tags.stop()
        throw error
      }
      await tags.stop()
    }
  }

  static func importAndCheck(tags: HostAndPort) async throws {
    try await TestDatabase.withServiceDatabase("contacts_tags") { database in
      try await startContacts(database, tagsAddress: tags) { contacts in
        try await withTestClient(to: contacts.address) { client in
          let api = Clients(client)
          let task = try await api.importCSV(Self.csv)
          let done = try await api.finished(task.taskID)
          #expect(done.status == .succeeded)
          let rows = try await api.rows(task.taskID)
          #expect(rows.map(\.outcome) == [.created, .created, .created, .updated])
          let ids = rows.map(\.contactID)
          // Rows 2 and 5 both tag contact 1 with "new": two applications (tags merge, C26).
          #expect(try await tagCounts(ids[0], at: tags) == ["vip": 1, "new": 2])
          #expect(try await tagCounts(ids[1], at: tags) == ["vip": 1])
          #expect(try await tagCounts(ids[2], at: tags) == ["vip": 1])
          // The refused name is reported on its row (and in the failure report); the row's
          // other tag and fields were applied.
          #expect(rows[2].issues.map(\.code) == ["TAG_INVALID"])
          #expect(rows[2].issues.first?.message.contains("TAG_NAME_INVALID_CHARS") == true)
          #expect(rows[0].issues.isEmpty)
          #expect(done.rowsWithIssues == 1)
          let pool = try database.pool(maxConnections: 1)
          let open = try await pool.query(
            "SELECT count(*) AS n FROM tag_command WHERE status <> 'sent'")
          #expect(try open.first?.decode("n", as: Int64.self) == 0)
          await pool.shutdown()
        }
      }
    }
  }

  @Test(
    "C26: while the tag manager is down the task stays running and loses nothing; a resend after a crash attaches nothing twice"
  )
  func outageAndResend() async throws {
    try await TestDatabase.withServiceDatabase("contacts_tags_peer") { tagsDatabase in
      let peer = TagsPeer(database: tagsDatabase)
      // The tag manager is down when contacts starts and comes up later on this address:
      // a port below the ephemeral range, so nothing else takes it in between (FreePort).
      let address = HostAndPort(host: "127.0.0.1", port: try FreePort.pick())
      try await TestDatabase.withServiceDatabase("contacts_tags") { database in
        try await startContacts(database, tagsAddress: address) { contacts in
          try await withTestClient(to: contacts.address) { client in
            let api = Clients(client)
            let task = try await api.importCSV(Self.csv)
            let pool = try database.pool(maxConnections: 1)
            // Every row applies; the tag commands wait, retried, and the task stays running.
            var attempted = false
            while !attempted {
              let rows = try await pool.query(
                "SELECT count(*) FILTER (WHERE attempts > 0) AS tried, count(*) AS n FROM tag_command WHERE status <> 'sent'"
              )
              attempted =
                try rows.first?.decode("tried", as: Int64.self) ?? 0 > 0
                && rows.first?.decode("n", as: Int64.self) == 4
              try await Task.sleep(for: .milliseconds(50))
            }
            var get = Maac_Contacts_V1_GetImportTaskRequest()
            get.taskID = task.taskID
            let waiting = try await api.contacts.getImportTask(
              get, metadata: As.user(ContactsHarness.orgA))
            #expect(waiting.status == .running)
            #expect(waiting.processedRows == 4)

            // The tag manager comes back on the same address: the retries deliver everything.
            let tags = try await peer.start(port: address.port)
            let done = try await api.finished(task.taskID)
            #expect(done.status == .succeeded)
            let rows = try await api.rows(task.taskID)
            let ids = rows.map(\.contactID)
            #expect(try await tagCounts(ids[0], at: tags.address) == ["vip": 1, "new": 2])

            // A crash after the tag manager applied a group but before it was marked sent:
            // the relay resends the same group under the same key; nothing is applied twice.
            _ = try await pool.execute(
              "UPDATE tag_command SET status = 'dispatching', next_attempt_at = now() WHERE contact_id = \(ids[0])"
            )
            var resent = false
            while !resent {
              let rows = try await pool.query(
                "SELECT bool_and(status = 'sent') AS sent FROM tag_command WHERE contact_id = \(ids[0])"
              )
              resent = try rows.first?.decode("sent", as: Bool?.self) == true
              try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await tagCounts(ids[0], at: tags.address) == ["vip": 1, "new": 2])
            #expect(try await tagCounts(ids[1], at: tags.address) == ["vip": 1])
            await pool.shutdown()
            await tags.stop()
          }
        }
      }
    }
  }
}
