import Foundation
import MAACTestSupport
import Synchronization
import Testing

@testable import PostgresClient

@Suite("PostgresPool")
struct PostgresPoolTests {
  @Test("a pool never opens more than maxConnections, and all borrowers are served")
  func boundedConcurrency() async throws {
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration(), maxConnections: 3,
      acquireTimeout: .seconds(60), logger: TestDatabase.logger)
    let results = try await withThrowingTaskGroup(of: Int64.self) { group in
      for index in 0..<40 {
        group.addTask {
          let rows = try await pool.query("SELECT \(Int64(index)) * 2 AS doubled")
          #expect(pool.statistics.open <= 3)
          return try rows[0].decode("doubled", as: Int64.self)
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.sorted() == (0..<40).map { Int64($0) * 2 })
    let statistics = pool.statistics
    #expect(statistics.open <= 3)
    #expect(statistics.inUse == 0)
    await pool.shutdown()
  }

  @Test("an exhausted pool fails the waiting borrower with poolExhausted after the timeout")
  func exhausted() async throws {
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration(), maxConnections: 1,
      acquireTimeout: .milliseconds(200), logger: TestDatabase.logger)
    let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
    let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
    let holder = Task {
      try await pool.withConnection { _ in
        heldContinuation.yield()
        for await _ in release { break }
      }
    }
    for await _ in held { break }
    do {
      _ = try await pool.query("SELECT 1 AS one")
      Issue.record("borrowed from an exhausted pool")
    } catch let error as PostgresError {
      #expect(error.kind == .poolExhausted)
      #expect(error.message.contains("1 connections"))
    }
    releaseContinuation.yield()
    try await holder.value
    // The connection came back: the pool serves again.
    let rows = try await pool.query("SELECT 1 AS one")
    #expect(try rows[0].decode("one", as: Int32.self) == 1)
    await pool.shutdown()
    await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
  }

  @Test("a terminated backend is replaced: the next query after the kill succeeds")
  func healsAfterTerminatedBackend() async throws {
    let admin = try TestDatabase.adminPool(maxConnections: 1)
    let name = TestDatabase.uniqueName("heal")
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration().setting("application_name", to: name),
      maxConnections: 2, logger: TestDatabase.logger)
    let before = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(
      "pid", as: Int32.self)
    let killed = try await admin.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = \(name)"
    )
    #expect(killed.count == 1)
    // Wait until the server has really let go of the backend.
    while try await !admin.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name = \(name)"
    ).isEmpty {
      try await Task.sleep(for: .milliseconds(20))
    }
    let after = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(
      "pid", as: Int32.self)
    #expect(after != before)
    #expect(pool.statistics.open == 1)
    await pool.shutdown()
    await admin.shutdown()
  }

  @Test("a connection broken while lent out is discarded when it comes back")
  func discardsBrokenOnRelease() async throws {
    let admin = try TestDatabase.adminPool(maxConnections: 1)
    let pool = PostgresPool(
      configuration: try TestDatabase.adminConfiguration(), maxConnections: 1,
      logger: TestDatabase.logger)
    do {
      try await pool.withConnection { connection in
        let pid = await connection.backendPID
        try await admin.execute("SELECT pg_terminate_backend(\(pid))")
        try await connection.execute("SELECT pg_sleep(0.2)")
      }
      Issue.record("a terminated connection kept working")
    } catch let error as PostgresError {
      #expect(error.isConnectionFailure)
    }
    let rows = try await pool.query("SELECT 42 AS answer")
    #expect(try rows[0].decode("answer", as: Int32.self) == 42)
    await pool.shutdown()
    await admin.shutdown()
  }

  @Test("libpq calls run on the connection's dedicated thread, not the cooperative pool")
  func dedicatedThread() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    let (onDedicated, poolThreadIsDedicated) = try await pool.withConnection { connection in
      (await connection.isOnDedicatedThread(), connection.executorThreadCheckFromHere())
    }
    #expect(onDedicated)
    #expect(!poolThreadIsDedicated)
    await pool.shutdown()
  }

  @Test("serialization failures are retried until the transaction commits")
  func serializableRetry() async throws {
    try await TestDatabase.withSchema { admin, schema in
      try await admin.execute(
        "CREATE TABLE \(identifier: schema).shifts (doctor text PRIMARY KEY, on_call bool NOT NULL)"
      )
      try await admin.execute(
        "INSERT INTO \(identifier: schema).shifts VALUES ('alice', true), ('bob', true)")
      let pool = PostgresPool(
        configuration: try TestDatabase.adminConfiguration(), maxConnections: 2,
        logger: TestDatabase.logger)
      let attempts = Counter()
      let barrier = Barrier(parties: 2)
      // Write skew: each takes one doctor off call if another is still on call. Serializable
      // lets only one of the two first attempts commit; the other must be retried, and then
      // sees that it would leave nobody on call.
      try await withThrowingTaskGroup(of: Void.self) { group in
        for doctor in ["alice", "bob"] {
          group.addTask {
            try await pool.withSerializableRetry(maxAttempts: 10) { connection in
              let attempt = attempts.increment()
              let onCall = try await connection.query(
                "SELECT count(*) AS n FROM \(identifier: schema).shifts WHERE on_call")
              if attempt <= 2 { await barrier.arrive() }
              if try onCall[0].decode("n", as: Int64.self) > 1 {
                try await connection.execute(
                  "UPDATE \(identifier: schema).shifts SET on_call = false WHERE doctor = \(doctor)"
                )
              }
            }
          }
        }
        try await group.waitForAll()
      }
      #expect(attempts.value >= 3)
      let onCall = try await admin.query(
        "SELECT count(*) AS n FROM \(identifier: schema).shifts WHERE on_call")
      #expect(try onCall[0].decode("n", as: Int64.self) == 1)
      await pool.shutdown()
    }
  }
}

/// Counts across tasks.
final class Counter: Sendable {
  private let storage = Mutex(0)
  func increment() -> Int {
    storage.withLock {
      $0 += 1
      return $0
    }
  }
  var value: Int { storage.withLock { $0 } }
}

/// Lets `parties` tasks wait for each other.
actor Barrier {
  private let parties: Int
  private var arrived = 0
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(parties: Int) {
    self.parties = parties
  }

  func arrive() async {
    arrived += 1
    if arrived >= parties {
      for continuation in waiting { continuation.resume() }
      waiting = []
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }
}

@Suite("Connection threads")
struct PostgresConnectionThreadTests {
  @Test("a connection's thread ends when the connection is gone (reconnects don't leak threads)")
  func threadEnds() async throws {
    weak var executor: AnyObject?
    do {
      let connection = try await PostgresConnection.connect(
        configuration: try TestDatabase.adminConfiguration(), logger: TestDatabase.logger)
      executor = connection.executorForTesting
      _ = try await connection.query("SELECT 1 AS one")
      await connection.close()
    }
    // The thread holds the executor until it exits; give it a moment to wind down.
    var checks = 0
    while executor != nil && checks < 500 {
      try await Task.sleep(for: .milliseconds(10))
      checks += 1
    }
    #expect(executor == nil)
  }
}
