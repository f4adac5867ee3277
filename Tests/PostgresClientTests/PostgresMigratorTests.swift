import Foundation
import MAACTestSupport
import PostgresClient
import Testing

@Suite("Migrations")
struct PostgresMigratorTests {
  /// A temporary folder with the given migration files.
  private func folder(_ files: [String: String]) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      TestDatabase.uniqueName("migrations"))
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, sql) in files {
      try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return url
  }

  @Test("migrations load from the bundle resources of a SwiftPM target, in version order")
  func loadsFromBundle() throws {
    let migrations = try PostgresMigration.load(bundle: .module, subdirectory: "Migrations")
    #expect(migrations.map(\.version) == [1, 2])
    #expect(
      migrations.map(\.fileName) == ["0001_create_contacts.sql", "0002_add_contact_tags.sql"])
    #expect(migrations[0].name == "create_contacts")
  }

  @Test("migrations apply once in the service schema and are recorded with checksums")
  func appliesAndRecords() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 2)
    let schema = TestDatabase.uniqueName("svc")
    let migrator = try PostgresMigrator(
      schema: schema, migrations: try PostgresMigration.load(bundle: .module),
      logger: TestDatabase.logger)
    let first = try await migrator.migrate(pool: pool)
    #expect(first.map(\.version) == [1, 2])
    let second = try await migrator.migrate(pool: pool)
    #expect(second.isEmpty)

    let recorded = try await pool.query(
      "SELECT version, checksum FROM \(identifier: schema).schema_migrations ORDER BY version")
    #expect(try recorded.map { try $0.decode("version", as: Int.self) } == [1, 2])
    #expect(try recorded.allSatisfy { try $0.decode("checksum", as: String.self).count == 64 })
    // Unqualified names in the files landed in the service schema.
    let columns = try await pool.query(
      """
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = \(schema) AND table_name = 'contacts' ORDER BY ordinal_position
      """)
    #expect(
      try columns.map { try $0.decode("column_name", as: String.self) } == [
        "id", "organization_id", "name", "tags",
      ])
    try await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
    await pool.shutdown()
  }

  @Test("a changed applied migration is refused, naming the file")
  func refusesChangedMigration() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    let schema = TestDatabase.uniqueName("svc")
    let original = try folder(["0001_first.sql": "CREATE TABLE a (id int);"])
    try await PostgresMigrator(
      schema: schema, migrations: try PostgresMigration.load(directory: original),
      logger: TestDatabase.logger
    ).migrate(pool: pool)

    let edited = try folder([
      "0001_first.sql": "CREATE TABLE a (id int8);",
      "0002_second.sql": "CREATE TABLE b (id int);",
    ])
    let migrator = try PostgresMigrator(
      schema: schema, migrations: try PostgresMigration.load(directory: edited),
      logger: TestDatabase.logger)
    do {
      try await migrator.migrate(pool: pool)
      Issue.record("an edited migration was accepted")
    } catch let error as PostgresMigrationError {
      guard case .checksumMismatch(let file, let version, _, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(file == "0001_first.sql")
      #expect(version == 1)
      #expect(error.description.contains("0001_first.sql"))
    }
    // The new migration was not applied either.
    let tables = try await pool.query(
      "SELECT 1 FROM pg_tables WHERE schemaname = \(schema) AND tablename = 'b'")
    #expect(tables.isEmpty)
    try await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
    await pool.shutdown()
  }

  @Test(
    "a new migration numbered below an applied one is refused, unless its version is in the late range"
  )
  func lateVersions() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    let schema = TestDatabase.uniqueName("svc")
    try await PostgresMigrator(
      schema: schema,
      migrations: try PostgresMigration.load(
        directory: try folder([
          "0001_platform.sql": "CREATE TABLE p (id int);",
          "0010_service.sql": "CREATE TABLE s (id int);",
        ])),
      logger: TestDatabase.logger
    ).migrate(pool: pool)
    let grown = try PostgresMigration.load(
      directory: try folder([
        "0001_platform.sql": "CREATE TABLE p (id int);",
        "0002_platform_more.sql": "CREATE TABLE q (id int);",
        "0010_service.sql": "CREATE TABLE s (id int);",
      ]))
    await #expect {
      try await PostgresMigrator(schema: schema, migrations: grown, logger: TestDatabase.logger)
        .migrate(pool: pool)
    } throws: { error in
      guard case .outOfOrder(let file, let latest) = error as? PostgresMigrationError else {
        return false
      }
      return file == "0002_platform_more.sql" && latest == 10
    }
    let applied = try await PostgresMigrator(
      schema: schema, migrations: grown, lateVersions: 1...9, logger: TestDatabase.logger
    ).migrate(pool: pool)
    #expect(applied.map(\.version) == [2])
    let tables = try await pool.query(
      "SELECT 1 FROM pg_tables WHERE schemaname = \(schema) AND tablename = 'q'")
    #expect(tables.count == 1)
    try await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
    await pool.shutdown()
  }

  @Test("a failing migration applies nothing of the run and names the file")
  func failureAppliesNothing() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    let schema = TestDatabase.uniqueName("svc")
    let files = try folder([
      "0001_ok.sql": "CREATE TABLE ok (id int);",
      "0002_broken.sql": "CREATE TABLE broken (id nosuchtype);",
    ])
    let migrator = try PostgresMigrator(
      schema: schema, migrations: try PostgresMigration.load(directory: files),
      logger: TestDatabase.logger)
    do {
      try await migrator.migrate(pool: pool)
      Issue.record("a broken migration was applied")
    } catch let error as PostgresMigrationError {
      guard case .failed(let file, let underlying) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(file == "0002_broken.sql")
      #expect(underlying.message.contains("nosuchtype"))
    }
    let tables = try await pool.query("SELECT 1 FROM pg_tables WHERE schemaname = \(schema)")
    #expect(tables.isEmpty)
    _ = try? await pool.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE")
    await pool.shutdown()
  }

  @Test("concurrent starters apply each migration exactly once")
  func concurrentStarters() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 6)
    let schema = TestDatabase.uniqueName("svc")
    let files = try folder([
      "0001_counter.sql":
        "CREATE TABLE runs (id serial PRIMARY KEY); INSERT INTO runs DEFAULT VALUES;",
      "0002_again.sql": "INSERT INTO runs DEFAULT VALUES;",
    ])
    let migrations = try PostgresMigration.load(directory: files)
    let appliedCounts = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<6 {
        group.addTask {
          let migrator = try PostgresMigrator(
            schema: schema, migrations: migrations, logger: TestDatabase.logger)
          return try await migrator.migrate(pool: pool).count
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(appliedCounts.sorted() == [0, 0, 0, 0, 0, 2])
    let runs = try await pool.query("SELECT count(*) AS n FROM \(identifier: schema).runs")
    #expect(try runs[0].decode("n", as: Int64.self) == 2)
    try await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
    await pool.shutdown()
  }

  @Test("badly named and duplicate migration files are refused, naming them")
  func refusesBadFiles() throws {
    let badName = try folder(["1-create.sql": "SELECT 1;", "README.md": "ignored"])
    #expect {
      try PostgresMigration.load(directory: badName)
    } throws: { error in
      "\(error)".contains("1-create.sql")
    }
    let duplicate = try folder(["0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 2;"])
    #expect {
      try PostgresMigration.load(directory: duplicate)
    } throws: { error in
      "\(error)".contains("0001_a.sql") && "\(error)".contains("001_b.sql")
    }
  }
}
