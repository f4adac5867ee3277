import Foundation
import MAACContracts
import MAACTestSupport
import PostgresClient
import SwiftProtobuf
import Testing

@testable import ContactsService

/// Batches are planned before their transaction as if none of their keys were stored, and
/// their `contact.created` payloads are encoded then, without the event id the outbox gives
/// them later (#5 Scale). These tests prove the transaction falls back to planning against
/// the stored contacts whenever one is found, and that every created event still carries
/// its own sequence and the created contact's state.
@Suite("Contacts service: import batches planned ahead", .serialized)
struct ImportBatchPlanningTests {
  @Test(
    "C21, C31, C68: a key stored by an earlier batch is updated, not created twice; created events carry their sequence as event_id"
  )
  func keyOfAnEarlierBatch() async throws {
    // Batches of 2: [11, 12] plans ahead and finds nothing; [11, 13] finds 11 (stored by the
    // first batch) and is planned again in its transaction; [14, 15] plans ahead again.
    try await ContactsHarness.run(batchSize: 2) { harness, client in
      let api = Clients(client)
      let csv = """
        line_uid,name,note
        \(uid(11)),Ann,first
        \(uid(12)),Ben,
        \(uid(11)),Ann Again,
        \(uid(13)),Cid,
        \(uid(14)),Dot,
        \(uid(15)),Eve,

        """
      let task = try await api.importCSV(csv)
      let done = try await api.finished(task.taskID)
      #expect(done.status == .succeeded)
      #expect(done.createdCount == 5)
      #expect(done.updatedCount == 1)
      let rows = try await api.rows(task.taskID)
      #expect(rows.map(\.outcome) == [.created, .created, .updated, .created, .created, .created])
      #expect(rows[2].contactID == rows[0].contactID)
      let ann = try await api.get(rows[0].contactID)
      #expect(ann.displayName == "Ann Again")
      #expect(ann.note == "first")

      let pool = try harness.database.pool(maxConnections: 1)
      let stored = try await pool.query(
        "SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM contact")[0]
      #expect(try stored.decode("n", as: Int64.self) == 5)
      #expect(try stored.decode("d", as: Int64.self) == 5)
      await pool.shutdown()

      // 5 created, 1 updated, the task's end.
      let events = try await api.events(count: 7)
      #expect(events.filter { $0.eventType == "contact.created" }.count == 5)
      var createdIDs: [Int64] = []
      for envelope in events where envelope.eventType == "contact.created" {
        let created = try Maac_Contacts_V1_ContactCreated(
          serializedBytes: envelope.payload.value)
        #expect(created.cause.eventID == envelope.sequence)
        #expect(created.cause.origin == .import)
        #expect(created.cause.correlationID == String(task.taskID))
        #expect(created.state.channelType == .line)
        #expect(!created.changes.isEmpty)
        #expect(envelope.payload.typeURL.hasSuffix("maac.contacts.v1.ContactCreated"))
        createdIDs.append(created.contactID)
      }
      let expected = [rows[0], rows[1], rows[3], rows[4], rows[5]].map(\.contactID)
      #expect(createdIDs == expected)
      // Planned ahead (the third batch): stored as planned.
      let eve = try await api.get(rows[5].contactID)
      #expect(eve.displayName == "Eve")
    }
  }
}

/// The candidate lookup's plan (C21) on what the planner sees in the middle of an import.
@Suite("Contacts service: the import's candidate lookup plan", .serialized)
struct CandidateLookupPlanTests {
  @Test(
    "C21 (#5 Scale): the candidate lookup probes the key index once per key, even with the statistics of an empty table"
  )
  func probesPerKey() async throws {
    try await ContactsHarness.run { harness, _ in
      let pool = try harness.database.pool(maxConnections: 1)
      // The statistics of an empty table, then 50,000 contacts: an import's first batches.
      _ = try await pool.execute("ANALYZE contact")
      _ = try await pool.execute(
        """
        INSERT INTO contact (organization_id, channel_type, channel_id, external_id,
          external_id_raw, acquisition_source, created_at, updated_at)
        SELECT \(ContactsHarness.orgA), 'line', \(ContactsHarness.line),
          'U' || lpad(to_hex(n), 32, '0'), 'U' || lpad(to_hex(n), 32, '0'), 'import', now(), now()
        FROM generate_series(1, 50000) n
        """)
      let keys = (49_001...51_000).map(uid)
      let parameters: [(any PostgresEncodable)?] = [
        ContactsHarness.orgA, "line", ContactsHarness.line, keys,
      ]
      let (plan, found) = try await pool.withTransaction { connection in
        try await connection.executeScript(ImportBatchApplier.probePlan)
        let sql = ImportBatchApplier.candidateIDs(column: "external_id")
        let plan = try await connection.query("EXPLAIN " + sql, parameters).map {
          try $0.decode("QUERY PLAN", as: String.self)
        }
        let found = try await connection.query(sql, parameters).count
        return (plan, found)
      }
      let text = plan.joined(separator: "\n")
      #expect(text.contains("Nested Loop"), "\(text)")
      #expect(
        plan.contains { $0.contains("Index Cond") && $0.contains("external_id = k.value") },
        "\(text)")
      #expect(!text.contains("Seq Scan on contact"), "\(text)")
      #expect(!text.contains("Hash"), "\(text)")
      #expect(found == 1000)
      await pool.shutdown()
    }
  }
}
