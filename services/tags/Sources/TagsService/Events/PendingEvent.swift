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

extension Outbox {
  /// Appends `events` in order in the caller's transaction with ServiceKit's batch append
  /// (one binary COPY for a bulk job's thousands of events), each payload built with its
  /// sequence.
  func append(_ events: [PendingEvent], on connection: PostgresConnection) async throws {
    let requestID = CallerContext.current?.requestID ?? ""
    try await append(count: events.count, on: connection) { index, sequence in
      let event = events[index]
      return OutboundEvent(
        eventType: event.eventType, organizationID: event.organizationID,
        payload: event.build(sequence), requestID: requestID)
    }
  }
}
