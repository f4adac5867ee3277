import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf

/// Sequences of the outbox as an appending transaction will get them.
///
/// `EventCause.event_id` must equal the envelope's sequence, which ``Outbox`` assigns inside
/// `append`. Locking the counter row first (as `append` would anyway) fixes the next numbers,
/// so payloads can carry their own event id.
enum OutboxCursor {
  /// The sequence the next appended event of this transaction will get.
  static func next(on connection: PostgresConnection) async throws -> Int64 {
    let rows = try await connection.query("SELECT last_sequence FROM outbox_sequence FOR UPDATE")
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(.internal, "outbox_sequence has no row")
    }
    return last + 1
  }

  /// Appends many events with one COPY, for imports (a per-row INSERT would dominate a
  /// million-row import). Same protocol as `Outbox.append`: the counter row is incremented and
  /// stays locked to commit, so sequences are gap-free and in commit order.
  ///
  /// `make` receives each event's sequence so the payload can name it.
  static func appendBulk(
    count: Int, organizationID: Int64, requestID: String, outbox: Outbox,
    on connection: PostgresConnection,
    make: (Int, Int64) throws -> (type: String, payload: any SwiftProtobuf.Message)
  ) async throws {
    guard count > 0 else { return }
    let rows = try await connection.query(
      "UPDATE outbox_sequence SET last_sequence = last_sequence + \(Int64(count)) RETURNING last_sequence"
    )
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(.internal, "outbox_sequence has no row")
    }
    let first = last - Int64(count) + 1
    let now = Date()
    try await connection.copyIn(
      into: "outbox_events",
      columns: [
        "sequence", "event_type", "organization_id", "occurred_at", "request_id", "payload_type",
        "payload",
      ]
    ) { copy in
      for index in 0..<count {
        let sequence = first + Int64(index)
        let event = try make(index, sequence)
        let any = try Google_Protobuf_Any(message: event.payload)
        try await copy.appendRow(
          values: [sequence, event.type, organizationID, now, requestID, any.typeURL, any.value])
      }
    }
    try await connection.notify(channel: outbox.notificationChannel, payload: String(last))
  }
}
