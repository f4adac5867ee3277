import Logging

/// Applies a service's migrations to its schema.
///
/// All pending migrations run in one transaction under a transaction-level advisory lock
/// (keyed by the schema), so concurrent starters of the same service wait for each other and
/// never apply a migration twice; a failure applies nothing. Each applied migration is
/// recorded with its SHA-256 checksum in `<schema>.schema_migrations`; a recorded migration
/// whose file changed is refused, naming the file. Migration SQL runs with `search_path`
/// set to the schema, so it creates unqualified objects there.
///
/// Migrations must not contain `BEGIN`/`COMMIT` or statements that cannot run inside a
/// transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
public struct PostgresMigrator: Sendable {
  public let schema: String
  public let migrations: [PostgresMigration]
  /// Versions that may still be applied after later ones: a reserved range whose migrations
  /// depend on nothing numbered above it (the platform's tables, versions 1–9), so adding
  /// one later reaches schemas that already have their service's migrations.
  public let lateVersions: ClosedRange<Int>?
  let logger: Logger

  public init(
    schema: String, migrations: [PostgresMigration], lateVersions: ClosedRange<Int>? = nil,
    logger: Logger = Logger(label: "maac.postgres.migrations")
  ) throws {
    try PostgresMigration.validate(migrations)
    self.schema = schema
    self.migrations = migrations.sorted { $0.version < $1.version }
    self.lateVersions = lateVersions
    self.logger = logger
  }

  /// Applies pending migrations on a connection of `pool`; returns those applied now.
  @discardableResult
  public func migrate(pool: PostgresPool) async throws -> [PostgresMigration] {
    try await pool.withConnection { try await migrate(connection: $0) }
  }

  /// Applies pending migrations on `connection`; returns those applied now.
  @discardableResult
  public func migrate(connection: PostgresConnection) async throws -> [PostgresMigration] {
    let applied = try await connection.withTransaction { connection in
      try await migrateLocked(connection)
    }
    for migration in applied {
      logger.info(
        "applied migration",
        metadata: ["schema": "\(schema)", "file": "\(migration.fileName)"])
    }
    return applied
  }

  private func migrateLocked(_ connection: PostgresConnection) async throws -> [PostgresMigration] {
    try await connection.execute(
      "SELECT pg_advisory_xact_lock(hashtext(\("maac.schema_migrations." + schema)))")
    let exists = try await connection.query(
      "SELECT 1 FROM pg_namespace WHERE nspname = \(schema)")
    if exists.isEmpty {
      try await connection.execute("CREATE SCHEMA \(identifier: schema)")
    }
    try await connection.execute(
      "SELECT set_config('search_path', \(PostgresQuery.quoteIdentifier(schema)), true)")
    try await connection.execute(
      """
      CREATE TABLE IF NOT EXISTS \(identifier: schema).schema_migrations (
        version int8 PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())
      """)

    let checksums = try await checksums(on: connection)
    let recorded = try await connection.query(
      "SELECT version, name, checksum FROM \(identifier: schema).schema_migrations ORDER BY version"
    )
    var appliedVersions: Set<Int> = []
    for row in recorded {
      let version = try row.decode("version", as: Int.self)
      let name = try row.decode("name", as: String.self)
      let checksum = try row.decode("checksum", as: String.self)
      guard let index = migrations.firstIndex(where: { $0.version == version }) else {
        throw PostgresMigrationError.appliedMigrationMissing(version: version, name: name)
      }
      guard checksums[index] == checksum else {
        throw PostgresMigrationError.checksumMismatch(
          file: migrations[index].fileName, version: version, recorded: checksum,
          current: checksums[index])
      }
      appliedVersions.insert(version)
    }

    let latest = appliedVersions.max() ?? Int.min
    var appliedNow: [PostgresMigration] = []
    for (index, migration) in migrations.enumerated()
    where !appliedVersions.contains(migration.version) {
      guard migration.version > latest || lateVersions?.contains(migration.version) == true else {
        throw PostgresMigrationError.outOfOrder(file: migration.fileName, latestApplied: latest)
      }
      do {
        try await connection.executeScript(migration.sql)
      } catch let error as PostgresError {
        throw PostgresMigrationError.failed(file: migration.fileName, underlying: error)
      }
      try await connection.execute(
        """
        INSERT INTO \(identifier: schema).schema_migrations (version, name, checksum)
        VALUES (\(migration.version), \(migration.name), \(checksums[index]))
        """)
      appliedNow.append(migration)
    }
    return appliedNow
  }

  /// SHA-256 of each migration's SQL (hex), computed by the server.
  private func checksums(on connection: PostgresConnection) async throws -> [String] {
    guard !migrations.isEmpty else { return [] }
    let rows = try await connection.query(
      """
      SELECT encode(sha256(convert_to(sql, 'UTF8')), 'hex') AS checksum
      FROM unnest(\(migrations.map(\.sql))) WITH ORDINALITY AS files(sql, position)
      ORDER BY position
      """)
    return try rows.map { try $0.decode("checksum", as: String.self) }
  }
}
