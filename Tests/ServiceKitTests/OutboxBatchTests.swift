import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

/// The outbox's batch append: the one way every service writes many events at once.
@Suite("Outbox batch append")
struct OutboxBatchTests {
  static func process(_ database: ServiceDatabase) -> ServiceProcess {
    ServiceProcess(
      name: "batch",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, logLevel: .error))
  }

  @Test(
    "a batch gets consecutive sequences its payloads can name, below and above the COPY threshold",
    arguments: [1, 3, 64, 65, 5_000])
  func batchCarriesSequences(count: Int) async throws {
    try await TestDatabase.withServiceDatabase("outbox_batch") { database in
      let process = Self.process(database)
      let pool = try await process.openDatabase(migrations: [])
      let outbox = process.outbox
      // One event first, so the batch does not start at 1.
      try await pool.withTransaction { connection in
        _ = try await outbox.append(
          OutboundEvent(
            eventType: "test.first", organizationID: 9,
            payload: Google_Protobuf_StringValue("first"),
            requestID: "r0"), on: connection)
      }
      let next = try await pool.withTransaction { try await outbox.nextSequence(on: $0) }
      #expect(next == 2)
      let range = try await pool.withTransaction { connection in
        try await outbox.append(count: count, on: connection) { index, sequence in
          OutboundEvent(
            eventType: index.isMultiple(of: 2) ? "test.even" : "test.odd",
            organizationID: Int64(index % 3 + 1),
            payload: Google_Protobuf_StringValue("\(index)@\(sequence)"),
            requestID: "req-\(index)")
        }
      }
      #expect(range == 2...Int64(count + 1))
      let events = try await outbox.events(
        after: 1, organizationID: nil, eventTypes: [], limit: count + 10, pool: pool)
      #expect(events.count == count)
      for (index, event) in events.enumerated() {
        let text = try Google_Protobuf_StringValue(unpackingAny: event.payload).value
        #expect(text == "\(index)@\(event.sequence)")
        #expect(event.sequence == Int64(index + 2))
        #expect(event.eventType == (index.isMultiple(of: 2) ? "test.even" : "test.odd"))
        #expect(event.organizationID == Int64(index % 3 + 1))
        #expect(event.requestID == "req-\(index)")
        #expect(event.producer == "batch")
      }
    }
  }

  @Test("a batch whose builder throws leaves no event and no used sequence")
  func failedBatchLeavesNothing() async throws {
    try await TestDatabase.withServiceDatabase("outbox_batch") { database in
      let process = Self.process(database)
      let pool = try await process.openDatabase(migrations: [])
      let outbox = process.outbox
      struct Refused: Error {}
      for count in [10, 500] {
        await #expect(throws: Refused.self) {
          try await pool.withTransaction { connection in
            try await outbox.append(count: count, on: connection) { index, _ in
              if index == count - 1 { throw Refused() }
              return OutboundEvent(
                eventType: "test.batch", organizationID: 1,
                payload: Google_Protobuf_StringValue("x"),
                requestID: "")
            }
          }
        }
      }
      let events = try await outbox.events(
        after: 0, organizationID: nil, eventTypes: [], limit: 1000, pool: pool)
      #expect(events.isEmpty)
      let next = try await pool.withTransaction { try await outbox.nextSequence(on: $0) }
      #expect(next == 1)
    }
  }
}
