import MAACTestSupport
import PostgresClient
import Testing

@Suite("Cancellation")
struct PostgresCancellationTests {
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
