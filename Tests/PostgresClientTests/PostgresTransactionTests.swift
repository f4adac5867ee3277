import MAACTestSupport
import PostgresClient
import Testing

struct ExpectedFailure: Error {}

@Suite("Transactions and savepoints")
struct PostgresTransactionTests {
  private func count(_ pool: PostgresPool, _ schema: String) async throws -> Int64 {
    let rows = try await pool.query("SELECT count(*) AS n FROM \(identifier: schema).items")
    return try rows[0].decode("n", as: Int64.self)
  }

  private func makeTable(_ pool: PostgresPool, _ schema: String) async throws {
    try await pool.execute(
      "CREATE TABLE \(identifier: schema).items (id int8 PRIMARY KEY, name text NOT NULL)")
  }

  @Test("a transaction commits when the body returns")
  func commits() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await makeTable(pool, schema)
      let inserted = try await pool.withTransaction { connection in
        try await connection.execute(
          "INSERT INTO \(identifier: schema).items VALUES (\(1), \("a")), (\(2), \("b"))")
      }
      #expect(inserted == 2)
      #expect(try await count(pool, schema) == 2)
    }
  }

  @Test("a transaction rolls back when the body throws")
  func rollsBack() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await makeTable(pool, schema)
      await #expect(throws: ExpectedFailure.self) {
        try await pool.withTransaction { connection in
          try await connection.execute(
            "INSERT INTO \(identifier: schema).items VALUES (\(1), \("a"))")
          throw ExpectedFailure()
        }
      }
      #expect(try await count(pool, schema) == 0)
    }
  }

  @Test("a nested transaction is a savepoint: an inner failure keeps the outer work")
  func savepoints() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await makeTable(pool, schema)
      try await pool.withTransaction { connection in
        try await connection.execute(
          "INSERT INTO \(identifier: schema).items VALUES (\(1), \("outer"))")
        do {
          try await connection.withTransaction { inner in
            try await inner.execute(
              "INSERT INTO \(identifier: schema).items VALUES (\(2), \("inner"))")
            // A server error inside the savepoint: rolled back to the savepoint only.
            try await inner.execute(
              "INSERT INTO \(identifier: schema).items VALUES (\(1), \("dup"))")
          }
          Issue.record("duplicate key accepted")
        } catch let error as PostgresError {
          #expect(error.sqlState == .uniqueViolation)
        }
        try await connection.withSavepoint { inner in
          try await inner.execute(
            "INSERT INTO \(identifier: schema).items VALUES (\(3), \("kept"))")
        }
      }
      let rows = try await pool.query("SELECT id FROM \(identifier: schema).items ORDER BY id")
      #expect(try rows.map { try $0.decode("id", as: Int64.self) } == [1, 3])
    }
  }

  @Test("a body that swallows a server error cannot commit half a transaction")
  func swallowedErrorAborts() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await makeTable(pool, schema)
      do {
        try await pool.withTransaction { connection in
          try await connection.execute(
            "INSERT INTO \(identifier: schema).items VALUES (\(1), \("a"))")
          _ = try? await connection.execute("SELECT 1/0")
        }
        Issue.record("committed an aborted transaction")
      } catch let error as PostgresError {
        #expect(error.kind == .transactionAborted)
      }
      #expect(try await count(pool, schema) == 0)
    }
  }

  @Test("a connection returned inside an open transaction is rolled back before reuse")
  func leakedTransactionRolledBack() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await makeTable(pool, schema)
      let single = PostgresPool(
        configuration: try TestDatabase.adminConfiguration(), maxConnections: 1,
        logger: TestDatabase.logger)
      try await single.withConnection { connection in
        try await connection.execute("BEGIN")
        try await connection.execute(
          "INSERT INTO \(identifier: schema).items VALUES (\(1), \("a"))")
      }
      let state = try await single.query("SELECT txid_current_if_assigned() IS NULL AS fresh")
      #expect(try state[0].decode("fresh", as: Bool.self))
      await single.shutdown()
      #expect(try await count(pool, schema) == 0)
    }
  }
}
