import MAACTestSupport
import PostgresClient
import Testing

@Suite("SQLSTATE-aware errors")
struct PostgresErrorTests {
  @Test("unique, foreign key, check and not-null violations keep code, detail and constraint")
  func constraintViolations() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute(
        """
        CREATE TABLE \(identifier: schema).orgs (id int8 PRIMARY KEY);
        """)
      try await pool.execute(
        """
        CREATE TABLE \(identifier: schema).contacts (
          id int8 PRIMARY KEY,
          org int8 NOT NULL REFERENCES \(identifier: schema).orgs (id),
          email text CONSTRAINT contacts_email_key UNIQUE,
          age int4 CONSTRAINT contacts_age_check CHECK (age >= 0))
        """)
      try await pool.execute("INSERT INTO \(identifier: schema).orgs VALUES (\(1))")
      try await pool.execute(
        "INSERT INTO \(identifier: schema).contacts VALUES (\(1), \(1), \("a@b.c"), \(30))")

      func failure(_ query: PostgresQuery) async throws -> PostgresError {
        do {
          try await pool.execute(query)
        } catch let error as PostgresError {
          return error
        }
        throw ExpectedFailure()
      }
      let unique = try await failure(
        "INSERT INTO \(identifier: schema).contacts VALUES (\(2), \(1), \("a@b.c"), \(1))")
      #expect(unique.kind == .server)
      #expect(unique.sqlState == .uniqueViolation)
      #expect(unique.constraint == "contacts_email_key")
      #expect(unique.detail?.contains("a@b.c") == true)
      #expect(unique.table == "contacts")
      #expect(unique.schema == schema)
      #expect(unique.sqlState?.isIntegrityConstraintViolation == true)

      let foreignKey = try await failure(
        "INSERT INTO \(identifier: schema).contacts VALUES (\(3), \(99), \("x@y.z"), \(1))")
      #expect(foreignKey.sqlState == .foreignKeyViolation)
      #expect(foreignKey.constraint == "contacts_org_fkey")

      let check = try await failure(
        "INSERT INTO \(identifier: schema).contacts VALUES (\(4), \(1), \("n@e.g"), \(-1))")
      #expect(check.sqlState == .checkViolation)
      #expect(check.constraint == "contacts_age_check")

      let notNull = try await failure(
        "INSERT INTO \(identifier: schema).contacts (id, org) VALUES (\(5), \(Int64?.none))")
      #expect(notNull.sqlState == .notNullViolation)
      #expect(notNull.column == "org")

      let syntax = try await failure("SELEC 1")
      #expect(syntax.sqlState == .syntaxError)
      #expect(syntax.message.contains("SELEC"))
    }
  }
}
