import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf

/// An event waiting for its outbox sequence; the payload is built once the sequence is known
/// so that it can carry `event_id` (= sequence, common/v1/events.proto).
struct PendingEvent: Sendable {
  var eventType: String
  var organizationID: Int64
  var build: @Sendable (_ sequence: Int64) -> any SwiftProtobuf.Message
}

/// Appends tag events to ServiceKit's outbox tables (`outbox_sequence`, `outbox_events`) in the
/// caller's transaction, many rows per statement.
///
/// ServiceKit's `Outbox.append` inserts one row per statement; a bulk job writes two events per
/// contact (1,000,000 contacts → 2,000,000 events), so the tag manager appends with `unnest`
/// instead. The counter protocol is the same: the `outbox_sequence` row lock is held to
/// commit, keeping sequences gap-free and in commit order, and the same NOTIFY channel wakes
/// `EventStreamService`.
struct TagOutbox: Sendable {
  let outbox: Outbox
  private static let rowsPerStatement = 5_000

  /// Appends `events` in order.
  func append(_ events: [PendingEvent], on connection: PostgresConnection) async throws {
    guard !events.isEmpty else { return }
    let count = Int64(events.count)
    let rows = try await connection.query(
      "UPDATE outbox_sequence SET last_sequence = last_sequence + \(count) RETURNING last_sequence")
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(
        .internal, "outbox_sequence has no row; were the outbox migrations applied?")
    }
    let requestID = CallerContext.current?.requestID ?? ""
    var sequence = last - count
    var start = 0
    while start < events.count {
      let chunk = events[start..<min(events.count, start + Self.rowsPerStatement)]
      var sequences: [Int64] = []
      var types: [String] = []
      var organizations: [Int64] = []
      var payloadTypes: [String] = []
      var payloads: [String] = []
      for event in chunk {
        sequence += 1
        let any = try Google_Protobuf_Any(message: event.build(sequence))
        sequences.append(sequence)
        types.append(event.eventType)
        organizations.append(event.organizationID)
        payloadTypes.append(any.typeURL)
        payloads.append(any.value.base64EncodedString())
      }
      try await connection.execute(
        """
        INSERT INTO outbox_events
          (sequence, event_type, organization_id, request_id, payload_type, payload)
        SELECT s, e, o, \(requestID), p, decode(b, 'base64')
        FROM unnest(\(sequences)::bigint[], \(types)::text[], \(organizations)::bigint[],
                    \(payloadTypes)::text[], \(payloads)::text[]) AS u(s, e, o, p, b)
        """)
      start += Self.rowsPerStatement
    }
    try await connection.notify(channel: outbox.notificationChannel, payload: String(last))
  }
}
