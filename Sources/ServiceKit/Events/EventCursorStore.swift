import PostgresClient

/// Where a consumer keeps, in its own schema, the last event sequence it handled per
/// producer (table `event_cursors`, see ``OutboxSchema/consumerMigration``).
public struct EventCursorStore: Sendable {
  public let consumer: String

  public init(consumer: String) {
    self.consumer = consumer
  }

  /// The last sequence handled from `producer`, 0 before the first event.
  public func lastSequence(from producer: String, pool: PostgresPool) async throws -> Int64 {
    let rows = try await pool.query(
      """
      SELECT last_sequence FROM event_cursors
      WHERE consumer = \(consumer) AND producer = \(producer)
      """
    )
    return try rows.first?.decode("last_sequence", as: Int64.self) ?? 0
  }

  /// Moves the cursor to `sequence` inside the caller's transaction, if it is ahead.
  ///
  /// The row lock this takes is held until commit, so two instances of one consumer never
  /// handle the same event at once; the one that comes second sees the cursor moved.
  ///
  /// - Returns: `false` when `sequence` was already handled (a redelivery): skip it.
  public func advance(
    from producer: String,
    to sequence: Int64,
    on connection: PostgresConnection
  ) async throws -> Bool {
    let changed = try await connection.execute(
      """
      INSERT INTO event_cursors (consumer, producer, last_sequence)
      VALUES (\(consumer), \(producer), \(sequence))
      ON CONFLICT (consumer, producer) DO UPDATE
        SET last_sequence = EXCLUDED.last_sequence, updated_at = now()
        WHERE event_cursors.last_sequence < EXCLUDED.last_sequence
      """
    )
    return changed == 1
  }
}
