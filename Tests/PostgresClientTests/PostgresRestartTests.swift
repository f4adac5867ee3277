import MAACTestSupport
import PostgresClient
import Testing

@Suite("Healing after a PostgreSQL restart")
struct PostgresRestartTests {
  @Test("the pool and the listener heal after pg_ctl restart, and report the outage meanwhile")
  func healsAfterRestart() async throws {
    let cluster = try await PrivateCluster.start()
    do {
      try await exercise(cluster)
    } catch {
      await cluster.destroy()
      throw error
    }
    await cluster.destroy()
  }

  private func exercise(_ cluster: PrivateCluster) async throws {
    let configuration = try PostgresConfiguration(url: try cluster.url())
    let pool = PostgresPool(
      configuration: configuration, maxConnections: 3, acquireTimeout: .seconds(10),
      logger: TestDatabase.logger)
    try await pool.execute("CREATE TABLE survivors (id int8 PRIMARY KEY)")
    try await pool.execute("INSERT INTO survivors VALUES (\(1))")
    // Several open connections, all of which the restart will break.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<3 { group.addTask { try await pool.execute("SELECT pg_sleep(0.05)") } }
      try await group.waitForAll()
    }
    let listener = PostgresNotificationListener(
      configuration: configuration, channels: ["restarts"], reconnectDelay: .milliseconds(100),
      logger: TestDatabase.logger)
    var events = listener.events().makeAsyncIterator()
    #expect(await events.next() == .listening)

    try await cluster.restart()
    // The very next statement succeeds on a fresh connection.
    try await pool.execute("INSERT INTO survivors VALUES (\(2))")
    let count = try await pool.query("SELECT count(*) AS n FROM survivors")
    #expect(try count[0].decode("n", as: Int64.self) == 2)
    #expect(await events.next() == .listening)
    try await pool.execute("NOTIFY restarts, 'back'")
    guard case .notification(let notification) = await events.next() else {
      Issue.record("no notification after the restart")
      return
    }
    #expect(notification.channel == "restarts")
    #expect(notification.payload == "back")

    // While the server is down, borrowers get a connection failure (UNAVAILABLE), not a hang.
    try await cluster.stop()
    do {
      try await pool.execute("SELECT 1")
      Issue.record("a query succeeded with the server stopped")
    } catch let error as PostgresError {
      #expect(error.isConnectionFailure, "\(error)")
    }
    try await cluster.startAgain()
    let again = try await pool.query("SELECT count(*) AS n FROM survivors")
    #expect(try again[0].decode("n", as: Int64.self) == 2)

    listener.shutdown()
    await pool.shutdown()
  }
}
