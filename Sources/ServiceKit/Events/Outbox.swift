import Foundation
import MAACContracts
import PostgresClient
import SwiftProtobuf

/// A service's transactional outbox: events are appended in the same transaction as the
/// change they describe, so an event exists exactly when its change committed.
public struct Outbox: Sendable {
  /// The producer's context name, e.g. `contacts`; stamped on every envelope.
  public let producer: String
  /// The LISTEN/NOTIFY channel that wakes subscribers when events commit.
  public let notificationChannel: String

  public init(producer: String) {
    self.producer = producer
    self.notificationChannel = "maac_outbox_\(producer)"
  }

  /// Appends `events`, in order, inside the caller's open transaction on `connection`.
  ///
  /// Append as late in the transaction as convenient: from here to commit the transaction
  /// holds the outbox counter's row lock, which orders concurrent producers.
  ///
  /// - Returns: the sequences given to the events.
  @discardableResult
  public func append(_ events: [OutboundEvent], on connection: PostgresConnection) async throws
    -> [Int64]
  {
    guard !events.isEmpty else { return [] }
    let count = Int64(events.count)
    let rows = try await connection.query(
      "UPDATE outbox_sequence SET last_sequence = last_sequence + \(count) RETURNING last_sequence"
    )
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(.internal, "outbox_sequence has no row; were the outbox migrations applied?")
    }
    var sequence = last - count
    var sequences: [Int64] = []
    sequences.reserveCapacity(events.count)
    for event in events {
      sequence += 1
      let any = try Google_Protobuf_Any(message: event.payload)
      _ = try await connection.execute(
        """
        INSERT INTO outbox_events
          (sequence, event_type, organization_id, request_id, payload_type, payload)
        VALUES (\(sequence), \(event.eventType), \(event.organizationID), \(event.requestID),
                \(any.typeURL), \(any.value))
        """
      )
      sequences.append(sequence)
    }
    try await connection.notify(channel: notificationChannel, payload: String(last))
    return sequences
  }

  /// Appends one event; see ``append(_:on:)-swift.method``.
  @discardableResult
  public func append(_ event: OutboundEvent, on connection: PostgresConnection) async throws
    -> Int64
  {
    try await append([event], on: connection)[0]
  }

  /// Committed events after `sequence`, oldest first, at most `limit`.
  ///
  /// - Parameters:
  ///   - organizationID: only this organization's events, or every organization's.
  ///   - eventTypes: only these types; empty for all.
  public func events(
    after sequence: Int64,
    organizationID: Int64?,
    eventTypes: [String],
    limit: Int,
    pool: PostgresPool
  ) async throws -> [Maac_Common_V1_EventEnvelope] {
    let rows = try await pool.query(
      """
      SELECT sequence, event_type, organization_id, occurred_at, request_id, payload_type, payload
      FROM outbox_events
      WHERE sequence > \(sequence)
        AND (\(organizationID)::bigint IS NULL OR organization_id = \(organizationID))
        AND (cardinality(\(eventTypes)::text[]) = 0 OR event_type = ANY(\(eventTypes)::text[]))
      ORDER BY sequence
      LIMIT \(Int64(limit))
      """
    )
    return try rows.map { row in
      var envelope = Maac_Common_V1_EventEnvelope()
      envelope.sequence = try row.decode("sequence", as: Int64.self)
      envelope.eventType = try row.decode("event_type", as: String.self)
      envelope.organizationID = try row.decode("organization_id", as: Int64.self)
      envelope.occurredAt = Google_Protobuf_Timestamp(date: try row.decode("occurred_at", as: Date.self))
      envelope.requestID = try row.decode("request_id", as: String.self)
      envelope.payload.typeURL = try row.decode("payload_type", as: String.self)
      envelope.payload.value = try row.decode("payload", as: Data.self)
      envelope.producer = producer
      return envelope
    }
  }
}
