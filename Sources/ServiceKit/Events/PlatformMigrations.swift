import PostgresClient

/// The migrations every service's schema gets before its own: the outbox and the event
/// cursors. They hold versions 1–9; a service's own files start at version 10, so adding a
/// platform table later never lands out of order behind a service migration.
public enum PlatformMigrations {
  /// The first version a service's own migration may use.
  public static let firstServiceVersion = 10
  /// The versions reserved for the platform; the migrator may apply a new one after a
  /// schema's service migrations.
  public static let reservedVersions = 1...(firstServiceVersion - 1)

  /// The platform's migrations.
  public static let all: [PostgresMigration] = [
    PostgresMigration(version: 1, name: "platform_outbox", sql: OutboxSchema.producerMigration),
    PostgresMigration(
      version: 2, name: "platform_event_cursors", sql: OutboxSchema.consumerMigration),
    PostgresMigration(
      version: 3, name: "platform_event_dead_letters", sql: OutboxSchema.deadLetterMigration),
    PostgresMigration(
      version: 4, name: "platform_dead_letter_replay",
      sql: OutboxSchema.deadLetterReplayMigration),
  ]

  /// The platform's migrations followed by the service's own.
  ///
  /// - Throws: ``ServiceError`` naming the first service migration below version 10.
  public static func followed(by service: [PostgresMigration]) throws -> [PostgresMigration] {
    if let early = service.first(where: { $0.version < firstServiceVersion }) {
      throw ServiceError(
        .internal,
        "migration \(early.fileName) uses version \(early.version); versions below "
          + "\(firstServiceVersion) belong to the platform (PlatformMigrations)")
    }
    return all + service
  }
}
