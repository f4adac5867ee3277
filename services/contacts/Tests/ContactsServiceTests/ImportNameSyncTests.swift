import ContactsService
import Foundation
import MAACTestSupport
import PostgresClient
import Testing

@Suite("Contacts service: imported LINE contacts enter name sync", .serialized)
struct ImportNameSyncTests {
  @Test(
    "C56: every LINE contact an import creates is enrolled in line_name_sync; updated ones are not")
  func importedLineContactsEnrolled() async throws {
    try await ContactsHarness.run { harness, client in
      let api = Clients(client)
      let existing = try await api.createLine(7, fields: .with { $0.displayName = "Known" })
      let csv = """
        line_uid,name
        \(uid(7)),Known again
        \(uid(8)),
        \(uid(9)),Named
        not-a-uid,Bad

        """
      let task = try await api.importCSV(csv)
      let done = try await api.finished(task.taskID)
      #expect(done.createdCount == 2)
      #expect(done.updatedCount == 1)
      #expect(done.failedCount == 1)
      let rows = try await api.rows(task.taskID)
      let createdIDs = rows.filter { $0.outcome == .created }.map(\.contactID).sorted()
      #expect(createdIDs.count == 2)
      let pool = try harness.database.pool(maxConnections: 1)
      let enrolled = try await pool.query(
        "SELECT contact_id, channel_id, line_uid FROM line_name_sync ORDER BY contact_id")
      await pool.shutdown()
      #expect(try enrolled.map { try $0.decode("contact_id", as: Int64.self) } == createdIDs)
      #expect(try enrolled.map { try $0.decode("line_uid", as: String.self) } == [uid(8), uid(9)])
      #expect(
        try enrolled.allSatisfy {
          try $0.decode("channel_id", as: Int64.self) == ContactsHarness.line
        })
      #expect(!createdIDs.contains(existing.id))
      for id in createdIDs {
        #expect(try await api.get(id).nameSyncState == .syncing)
      }
    }
  }
}
