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
    /// The consumer that refused it.
    public var consumer: String
    public var producer: String
    public var sequence: Int64
    public var eventType: String
    public var organizationID: Int64
    public var envelope: Maac_Common_V1_EventEnvelope
    public var error: String
    public var attempts: Int
    /// Whether an operator asked for it to be applied again and the consumer has not yet.
    public var replayRequested: Bool
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
    try Self.letters(
      try await pool.query(
        """
        SELECT \(unescaped: Self.columns) FROM event_dead_letters
        WHERE consumer = \(consumer) AND producer = \(producer)
        ORDER BY sequence
        """))
  }

  /// Every consumer's dead letters in the schema behind `pool`, for operators.
  public static func allLetters(pool: PostgresPool) async throws -> [Letter] {
    try letters(
      try await pool.query(
        "SELECT \(unescaped: columns) FROM event_dead_letters ORDER BY consumer, producer, sequence"
      ))
  }

  /// Asks the running consumer to apply letters from `producer` again: those in `sequences`,
  /// or all of them when `sequences` is nil. Returns how many letters are now waiting for it.
  public func requestReplay(from producer: String, sequences: [Int64]?, pool: PostgresPool)
    async throws -> Int
  {
    let chosen = sequences ?? []
    return try await pool.withConnection { connection in
      try await connection.execute(
        """
        UPDATE event_dead_letters SET replay_requested_at = now()
        WHERE consumer = \(consumer) AND producer = \(producer)
          AND (\(sequences == nil) OR sequence = ANY(\(chosen)))
        """)
    }
  }

  /// Letters an operator asked to replay, oldest first.
  func replayRequests(limit: Int, pool: PostgresPool) async throws -> [Letter] {
    try Self.letters(
      try await pool.query(
        """
        SELECT \(unescaped: Self.columns) FROM event_dead_letters
        WHERE consumer = \(consumer) AND replay_requested_at IS NOT NULL
        ORDER BY producer, sequence LIMIT \(Int64(limit))
        """))
  }

  /// Removes `letter` inside the transaction that applied it.
  func resolve(_ letter: Letter, on connection: PostgresConnection) async throws {
    try await connection.execute(
      """
      DELETE FROM event_dead_letters
      WHERE consumer = \(consumer) AND producer = \(letter.producer)
        AND sequence = \(letter.sequence)
      """)
  }

  /// Keeps `letter` after a replay its handler refused again, with the new error.
  func replayFailed(_ letter: Letter, error: String, pool: PostgresPool) async throws {
    try await pool.withConnection { connection in
      try await connection.execute(
        """
        UPDATE event_dead_letters
        SET replay_requested_at = NULL, error = \(error), attempts = attempts + 1
        WHERE consumer = \(consumer) AND producer = \(letter.producer)
          AND sequence = \(letter.sequence)
        """)
    }
  }

  private static let columns = """
    consumer, producer, sequence, event_type, organization_id, envelope, error, attempts,
    replay_requested_at IS NOT NULL AS replay_requested
    """

  private static func letters(_ rows: [PostgresRow]) throws -> [Letter] {
    try rows.map { row in
      Letter(
        consumer: try row.decode("consumer", as: String.self),
        producer: try row.decode("producer", as: String.self),
        sequence: try row.decode("sequence", as: Int64.self),
        eventType: try row.decode("event_type", as: String.self),
        organizationID: try row.decode("organization_id", as: Int64.self),
        envelope: try Maac_Common_V1_EventEnvelope(
          serializedBytes: try row.decode("envelope", as: Data.self)),
        error: try row.decode("error", as: String.self),
        attempts: Int(try row.decode("attempts", as: Int64.self)),
        replayRequested: try row.decode("replay_requested", as: Bool.self))
    }
  }
}
