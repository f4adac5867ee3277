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
    guard
      let range = try await append(
        count: events.count, on: connection, { index, _ in events[index] })
    else { return [] }
    return Array(range)
  }

  /// Appends one event; see ``append(_:on:)-swift.method``.
  @discardableResult
  public func append(_ event: OutboundEvent, on connection: PostgresConnection) async throws
    -> Int64
  {
    try await append([event], on: connection)[0]
  }

  /// Appends `count` events built once their sequences are known, so a payload can carry its
  /// own event id (`EventCause.event_id` is the envelope's sequence).
  ///
  /// Batches of any size cost a handful of round trips: small ones are one multi-row INSERT,
  /// larger ones (imports, bulk tag jobs: millions of events) one binary COPY. Sequences stay
  /// gap-free and in commit order because the counter row stays locked until commit.
  ///
  /// - Parameter makeEvent: called once per event, in order, with its index and sequence.
  /// - Returns: the sequences given, or `nil` when `count` is 0.
  @discardableResult
  public func append(
    count: Int, on connection: PostgresConnection,
    _ makeEvent: (_ index: Int, _ sequence: Int64) throws -> OutboundEvent
  ) async throws -> ClosedRange<Int64>? {
    try await append(count: count, on: connection) { index, sequence in
      try EncodedOutboundEvent(makeEvent(index, sequence))
    }
  }

  /// Appends `count` events whose payloads are already serialized, as the form above does.
  @discardableResult
  public func append(
    count: Int, on connection: PostgresConnection,
    encoded makeEvent: (_ index: Int, _ sequence: Int64) throws -> EncodedOutboundEvent
  ) async throws -> ClosedRange<Int64>? {
    guard count > 0 else { return nil }
    let rows = try await connection.query(
      "UPDATE outbox_sequence SET last_sequence = last_sequence + \(Int64(count)) RETURNING last_sequence"
    )
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(
        .internal, "outbox_sequence has no row; were the outbox migrations applied?")
    }
    let sequences = (last - Int64(count) + 1)...last
    if count <= Self.largestInsertBatch {
      try await insert(sequences, on: connection, makeEvent)
    } else {
      try await copy(sequences, on: connection, makeEvent)
    }
    try await connection.notify(channel: notificationChannel, payload: String(last))
    return sequences
  }

  /// The sequence the next event appended in this transaction will get. Locks the counter
  /// row (as appending would) until the transaction ends, so the number cannot be taken by
  /// another producer in between.
  public func nextSequence(on connection: PostgresConnection) async throws -> Int64 {
    let rows = try await connection.query("SELECT last_sequence FROM outbox_sequence FOR UPDATE")
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(
        .internal, "outbox_sequence has no row; were the outbox migrations applied?")
    }
    return last + 1
  }

  /// Above this many events one COPY beats one multi-row INSERT.
  static let largestInsertBatch = 64

  private func insert(
    _ sequences: ClosedRange<Int64>, on connection: PostgresConnection,
    _ makeEvent: (Int, Int64) throws -> EncodedOutboundEvent
  ) async throws {
    var types: [String] = []
    var organizations: [Int64] = []
    var requestIDs: [String] = []
    var payloadTypes: [String] = []
    var payloads: [String] = []
    for (index, sequence) in sequences.enumerated() {
      let event = try makeEvent(index, sequence)
      types.append(event.eventType)
      organizations.append(event.organizationID)
      requestIDs.append(event.requestID)
      payloadTypes.append(event.payloadType)
      payloads.append(event.payload.base64EncodedString())
    }
    try await connection.execute(
      """
      INSERT INTO outbox_events
        (sequence, event_type, organization_id, request_id, payload_type, payload)
      SELECT \(sequences.lowerBound) + ordinality - 1, e, o, r, p, decode(b, 'base64')
      FROM unnest(\(types)::text[], \(organizations)::bigint[], \(requestIDs)::text[],
                  \(payloadTypes)::text[], \(payloads)::text[]) WITH ORDINALITY AS u(e, o, r, p, b)
      """
    )
  }

  private func copy(
    _ sequences: ClosedRange<Int64>, on connection: PostgresConnection,
    _ makeEvent: (Int, Int64) throws -> EncodedOutboundEvent
  ) async throws {
    try await connection.copyIn(
      into: "outbox_events",
      columns: [
        "sequence", "event_type", "organization_id", "request_id", "payload_type", "payload",
      ]
    ) { copy in
      for (index, sequence) in sequences.enumerated() {
        let event = try makeEvent(index, sequence)
        // Typed row: no boxing per value (imports append millions of events).
        try await copy.appendRow { row in
          row.append(sequence)
          row.append(event.eventType)
          row.append(event.organizationID)
          row.append(event.requestID)
          row.append(event.payloadType)
          row.append(event.payload)
        }
      }
    }
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
      envelope.occurredAt = Google_Protobuf_Timestamp(
        date: try row.decode("occurred_at", as: Date.self))
      envelope.requestID = try row.decode("request_id", as: String.self)
      envelope.payload.typeURL = try row.decode("payload_type", as: String.self)
      envelope.payload.value = try row.decode("payload", as: Data.self)
      envelope.producer = producer
      return envelope
    }
  }
}
