import Foundation
import MAACContracts
import PostgresClient
import SwiftProtobuf

/// A consumer's dead letters (table `event_dead_letters`, ``OutboxSchema/deadLetterMigration``).
public struct DeadLetterStore: Sendable {
  public let consumer: String

  public init(consumer: String) {
    self.consumer = consumer
  }

  /// One dead-lettered event.
  public struct Letter: Sendable, Hashable {
    public var producer: String
    public var sequence: Int64
    public var eventType: String
    public var organizationID: Int64
    public var envelope: Maac_Common_V1_EventEnvelope
    public var error: String
    public var attempts: Int
  }

  /// Records `event` inside the caller's transaction (the one that moves the cursor past it).
  func record(
    _ event: Maac_Common_V1_EventEnvelope, from producer: String, error: String, attempts: Int,
    on connection: PostgresConnection
  ) async throws {
    let envelope = try event.serializedBytes() as Data
    try await connection.execute(
      """
      INSERT INTO event_dead_letters
        (consumer, producer, sequence, event_type, organization_id, envelope, error, attempts)
      VALUES (\(consumer), \(producer), \(event.sequence), \(event.eventType),
              \(event.organizationID), \(envelope), \(error), \(Int64(attempts)))
      ON CONFLICT (consumer, producer, sequence) DO NOTHING
      """
    )
  }

  /// The dead letters from `producer`, oldest first.
  public func letters(from producer: String, pool: PostgresPool) async throws -> [Letter] {
    let rows = try await pool.query(
      """
      SELECT sequence, event_type, organization_id, envelope, error, attempts
      FROM event_dead_letters
      WHERE consumer = \(consumer) AND producer = \(producer)
      ORDER BY sequence
      """
    )
    return try rows.map { row in
      Letter(
        producer: producer,
        sequence: try row.decode("sequence", as: Int64.self),
        eventType: try row.decode("event_type", as: String.self),
        organizationID: try row.decode("organization_id", as: Int64.self),
        envelope: try Maac_Common_V1_EventEnvelope(
          serializedBytes: try row.decode("envelope", as: Data.self)),
        error: try row.decode("error", as: String.self),
        attempts: Int(try row.decode("attempts", as: Int64.self)))
    }
  }
}
