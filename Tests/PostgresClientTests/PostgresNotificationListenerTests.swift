import MAACTestSupport
import PostgresClient
import Testing

@Suite("LISTEN / NOTIFY")
struct PostgresNotificationListenerTests {
  @Test("notifications arrive on the listener, and it re-LISTENs after its backend is killed")
  func listensAndReconnects() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 2)
    let channel = TestDatabase.uniqueName("events")
    let name = TestDatabase.uniqueName("listener")
    let listener = PostgresNotificationListener(
      configuration: try TestDatabase.adminConfiguration().setting("application_name", to: name),
      channels: [channel], reconnectDelay: .milliseconds(50), logger: TestDatabase.logger)
    var events = listener.events().makeAsyncIterator()

    #expect(await events.next() == .listening)
    try await pool.withTransaction { connection in
      try await connection.notify(channel: channel, payload: "first")
      try await connection.notify(channel: "\(channel)_other", payload: "not for us")
    }
    guard case .notification(let first) = await events.next() else {
      Issue.record("no notification")
      return
    }
    #expect(first.channel == channel)
    #expect(first.payload == "first")

    // Kill the listener's backend: it reconnects and listens again.
    try await pool.execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(name)")
    #expect(await events.next() == .listening)
    try await pool.withConnection { connection in
      try await connection.notify(channel: channel, payload: "after reconnect")
    }
    guard case .notification(let second) = await events.next() else {
      Issue.record("no notification after reconnect")
      return
    }
    #expect(second.payload == "after reconnect")

    listener.shutdown()
    #expect(await events.next() == nil)
    await pool.shutdown()
  }
}
