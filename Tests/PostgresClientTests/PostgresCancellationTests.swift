import PostgresClient
import Testing

/// A service-style actor: its state is touched inside the pool's closures, which must compile
/// under strict concurrency and run in the actor's isolation.
actor ContactStore {
  private let pool: PostgresPool
  private let schema: String
  private(set) var writes = 0

  init(pool: PostgresPool, schema: String) {
    self.pool = pool
    self.schema = schema
  }

  func add(_ names: [String]) async throws -> Int {
    try await pool.withTransaction { connection in
      for name in names {
        try await connection.execute("INSERT INTO \(identifier: schema).names VALUES (\(name))")
        writes += 1
      }
      return writes
    }
  }

  func load(_ count: Int) async throws -> Int {
    try await pool.copyIn(into: "names", schema: schema, columns: ["name"]) { copy in
      for index in 0..<count {
        try await copy.appendRow("bulk \(index)")
        writes += 1
      }
    }
  }
}

@Suite("Cancellation and actor callers")
struct PostgresCancellationTests {
  @Test("closure APIs run in the calling actor's isolation")
  func actorCallers() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute("CREATE TABLE \(identifier: schema).names (name text)")
      let store = ContactStore(pool: pool, schema: schema)
      #expect(try await store.add(["a", "b"]) == 2)
      #expect(try await store.load(10) == 10)
      #expect(await store.writes == 12)
      let rows = try await pool.query("SELECT count(*) AS n FROM \(identifier: schema).names")
      #expect(try rows[0].decode("n", as: Int64.self) == 12)
    }
  }

  @Test("cancelling a task cancels its running statement (57014); the connection stays usable")
  func cancelsRunningStatement() async throws {
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration(), maxConnections: 1,
      logger: TestDatabase.logger)
    let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
    let sleeper = Task {
      try await pool.withConnection { connection in
        startedContinuation.yield()
        try await connection.execute("SELECT pg_sleep(60)")
      }
    }
    for await _ in started { break }
    // Wait until the statement really runs on the server, then cancel the task.
    let admin = try TestDatabase.adminPool(maxConnections: 1)
    while try await admin.query(
      "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'"
    ).isEmpty {
      try await Task.sleep(for: .milliseconds(20))
    }
    sleeper.cancel()
    do {
      try await sleeper.value
      Issue.record("the statement was not cancelled")
    } catch let error as PostgresError {
      #expect(error.sqlState == .queryCanceled)
    }
    let rows = try await pool.query("SELECT 1 AS one")
    #expect(try rows[0].decode("one", as: Int32.self) == 1)
    #expect(pool.statistics.open == 1)
    await admin.shutdown()
    await pool.shutdown()
  }

  @Test("a borrower cancelled while waiting for a connection leaves the queue")
  func cancelsWaitingBorrower() async throws {
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration(), maxConnections: 1,
      acquireTimeout: .seconds(120), logger: TestDatabase.logger)
    let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
    let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
    let holder = Task {
      try await pool.withConnection { _ in
        heldContinuation.yield()
        for await _ in release { break }
      }
    }
    for await _ in held { break }
    let waiter = Task { try await pool.query("SELECT 1 AS one") }
    while pool.statistics.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
    waiter.cancel()
    await #expect(throws: CancellationError.self) { try await waiter.value }
    #expect(pool.statistics.waiting == 0)
    releaseContinuation.yield()
    try await holder.value
    #expect(try await pool.query("SELECT 2 AS two")[0].decode("two", as: Int32.self) == 2)
    await pool.shutdown()
  }
}
