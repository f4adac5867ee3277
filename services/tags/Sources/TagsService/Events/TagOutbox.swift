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
/// caller's transaction, with one binary COPY per call.
///
/// ServiceKit's `Outbox.append` inserts one row per statement; a bulk job writes two events per
/// contact (1,000,000 contacts → 2,000,000 events), so the tag manager streams them with COPY
/// instead. The counter protocol is the same: the `outbox_sequence` row lock is held to
/// commit, keeping sequences gap-free and in commit order, and the same NOTIFY channel wakes
/// `EventStreamService`.
struct TagOutbox: Sendable {
  let outbox: Outbox
  private static let columns = [
    "sequence", "event_type", "organization_id", "request_id", "payload_type", "payload",
  ]

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
    let first = last - count + 1
    try await connection.copyIn(into: "outbox_events", columns: Self.columns) { copy in
      for (offset, event) in events.enumerated() {
        let sequence = first + Int64(offset)
        let any = try Google_Protobuf_Any(message: event.build(sequence))
        try await copy.appendRow(
          sequence, event.eventType, event.organizationID, requestID, any.typeURL, any.value)
      }
    }
    try await connection.notify(channel: outbox.notificationChannel, payload: String(last))
  }
}
