import Logging
import Synchronization

/// A bounded pool of ``PostgresConnection``s for one service.
///
/// - At most `maxConnections` connections are open; a borrower waits up to `acquireTimeout`
///   for one and then gets ``PostgresError/Kind/poolExhausted`` (map it to
///   `RESOURCE_EXHAUSTED`).
/// - Connections open lazily, each on its own dedicated thread (see ``PostgresConnection``).
/// - A broken connection is detected — when it comes back from a borrower, and before an
///   idle one is lent out — and replaced by a fresh one, so a PostgreSQL restart heals without
///   restarting the service. A statement that is running when the server goes away fails with
///   ``PostgresError/Kind/connectionClosed``; the pool never re-runs it on its own.
public final class PostgresPool: Sendable {
  public let configuration: PostgresConfiguration
  public let maxConnections: Int
  public let acquireTimeout: Duration
  let logger: Logger
  private let state = Mutex(State())

  /// What a borrower receives: an idle connection, or the right to open one.
  private enum Grant: Sendable {
    case connection(PostgresConnection)
    case openSlot
  }

  private struct Waiter {
    var continuation: CheckedContinuation<Grant, any Error>
    var timer: Task<Void, Never>?
  }

  private struct State {
    var idle: [PostgresConnection] = []
    /// Open or opening connections (idle + in use).
    var total = 0
    var inUse = 0
    var waiters: [UInt64: Waiter] = [:]
    var waitOrder: [UInt64] = []
    var nextWaiterID: UInt64 = 0
    /// Waiters whose id exists but who have not registered yet (cancellation may come first).
    var registering: Set<UInt64> = []
    var cancelledWhileRegistering: Set<UInt64> = []
    var closed = false

    mutating func popWaiter() -> Waiter? {
      while !waitOrder.isEmpty {
        let id = waitOrder.removeFirst()
        if let waiter = waiters.removeValue(forKey: id) { return waiter }
      }
      return nil
    }
  }

  /// - Parameters:
  ///   - maxConnections: the most connections open at once (at least 1).
  ///   - acquireTimeout: how long a borrower waits for a free connection.
  public init(
    configuration: PostgresConfiguration,
    maxConnections: Int = 10,
    acquireTimeout: Duration = .seconds(5),
    logger: Logger = Logger(label: "maac.postgres")
  ) {
    precondition(maxConnections >= 1, "a pool needs at least one connection")
    self.configuration = configuration
    self.maxConnections = maxConnections
    self.acquireTimeout = acquireTimeout
    self.logger = logger
  }

  /// Runs `body` with a pool that exists only for it and is shut down afterwards (also when
  /// `body` throws): for short-lived tools that make a few statements and exit.
  public static func withPool<T>(
    configuration: PostgresConfiguration, maxConnections: Int = 1,
    _ body: (PostgresPool) async throws -> T
  ) async throws -> T {
    let pool = PostgresPool(configuration: configuration, maxConnections: maxConnections)
    do {
      let value = try await body(pool)
      await pool.shutdown()
      return value
    } catch {
      await pool.shutdown()
      throw error
    }
  }

  // MARK: Borrowing

  /// Lends a connection to `body` and takes it back afterwards (also when `body` throws).
  ///
  /// Don't keep the connection beyond `body`. A transaction `body` leaves open is rolled back.
  @discardableResult
  public func withConnection<T>(
    _ body: (PostgresConnection) async throws -> T
  ) async throws
    -> T
  {
    let connection = try await acquire()
    let value: T
    do {
      value = try await body(connection)
    } catch {
      await release(connection)
      throw error
    }
    await release(connection)
    return value
  }

  /// Runs `body` in a transaction on a pooled connection; see
  /// ``PostgresConnection/withTransaction(isolation:_:)``.
  @discardableResult
  public func withTransaction<T>(
    isolation: PostgresIsolationLevel = .readCommitted,
    _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    try await withConnection { connection in
      try await connection.withTransaction(isolation: isolation, body)
    }
  }

  /// Runs `body` in a transaction and runs it again, in a new transaction, when PostgreSQL
  /// reports a serialization failure (40001) or a deadlock (40P01), up to `maxAttempts` times
  /// with a short randomized pause. `body` must therefore be safe to repeat.
  public func withRetryingTransaction<T>(
    isolation: PostgresIsolationLevel = .serializable,
    maxAttempts: Int = 5,
    _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    var attempt = 1
    while true {
      do {
        return try await withTransaction(isolation: isolation, body)
      } catch let error as PostgresError
        where error.isRetryableTransactionFailure && attempt < maxAttempts
      {
        logger.debug(
          "retrying transaction",
          metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.sqlState?.rawValue ?? "")"])
        attempt += 1
        try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 6)))))
      }
    }
  }

  /// A `SERIALIZABLE` transaction retried on serialization failures and deadlocks; see
  /// ``withRetryingTransaction(isolation:maxAttempts:_:)``.
  public func withSerializableRetry<T>(
    maxAttempts: Int = 5, _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    try await withRetryingTransaction(isolation: .serializable, maxAttempts: maxAttempts, body)
  }

  /// Runs one statement on a pooled connection and returns its rows.
  public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
    try await withConnection { try await $0.query(query) }
  }

  /// Runs one statement with `$1`, `$2`, ... bound to `parameters`.
  public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?]) async throws
    -> [PostgresRow]
  {
    try await query(PostgresQuery(sql, parameters))
  }

  /// Runs one statement on a pooled connection; returns the number of affected rows.
  @discardableResult
  public func execute(_ query: PostgresQuery) async throws -> Int {
    try await withConnection { try await $0.execute(query) }
  }

  /// Runs one statement with `$1`, `$2`, ... bound to `parameters`.
  @discardableResult
  public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?]) async throws
    -> Int
  {
    try await execute(PostgresQuery(sql, parameters))
  }

  /// The pool's current usage.
  public var statistics: PostgresPoolStatistics {
    state.withLock { state in
      PostgresPoolStatistics(
        open: state.total, idle: state.idle.count, inUse: state.inUse,
        waiting: state.waiters.count, maxConnections: maxConnections)
    }
  }

  /// Closes idle connections, fails waiting borrowers with ``PostgresError/Kind/poolClosed``
  /// and closes lent connections when they come back. Later borrowers fail too.
  public func shutdown() async {
    let (idle, waiters) = state.withLock { state in
      state.closed = true
      let idle = state.idle
      state.total -= idle.count
      state.idle = []
      let waiters = Array(state.waiters.values)
      state.waiters = [:]
      state.waitOrder = []
      return (idle, waiters)
    }
    for waiter in waiters {
      waiter.timer?.cancel()
      waiter.continuation.resume(throwing: Self.closedError)
    }
    for connection in idle { await connection.close() }
  }

  // MARK: Internals

  private func acquire() async throws -> PostgresConnection {
    switch try await obtainGrant() {
    case .connection(let connection):
      if await connection.isUsable() { return connection }
      logger.info("replacing a broken idle database connection")
      await connection.close()
      return try await openConnection()
    case .openSlot:
      return try await openConnection()
    }
  }

  private func openConnection() async throws -> PostgresConnection {
    do {
      return try await PostgresConnection.connect(configuration: configuration, logger: logger)
    } catch {
      handBack(connection: nil)
      throw error
    }
  }

  private func release(_ connection: PostgresConnection) async {
    let reusable = await connection.prepareForReuse()
    if !reusable {
      logger.info("discarding a broken database connection")
      await connection.close()
    }
    if let leftover = handBack(connection: reusable ? connection : nil) {
      await leftover.close()
    }
  }

  /// Returns a borrowed slot: to the first waiter (as a connection, or as the right to open
  /// one when `connection` is nil), else to the idle list. Returns a connection to close.
  @discardableResult
  private func handBack(connection: PostgresConnection?) -> PostgresConnection? {
    let (waiter, leftover): (Waiter?, PostgresConnection?) = state.withLock { state in
      state.inUse -= 1
      if state.closed {
        state.total -= 1
        return (nil, connection)
      }
      if let waiter = state.popWaiter() {
        state.inUse += 1
        return (waiter, nil)
      }
      if let connection {
        state.idle.append(connection)
      } else {
        state.total -= 1
      }
      return (nil, nil)
    }
    if let waiter {
      waiter.timer?.cancel()
      waiter.continuation.resume(returning: connection.map(Grant.connection) ?? .openSlot)
    }
    return leftover
  }

  private func obtainGrant() async throws -> Grant {
    enum Immediate {
      case grant(Grant)
      case wait(UInt64)
      case closed
    }
    let immediate: Immediate = state.withLock { state in
      if state.closed { return .closed }
      if let connection = state.idle.popLast() {
        state.inUse += 1
        return .grant(.connection(connection))
      }
      if state.total < maxConnections {
        state.total += 1
        state.inUse += 1
        return .grant(.openSlot)
      }
      state.nextWaiterID += 1
      state.registering.insert(state.nextWaiterID)
      return .wait(state.nextWaiterID)
    }
    switch immediate {
    case .closed: throw Self.closedError
    case .grant(let grant): return grant
    case .wait(let id): return try await wait(id: id)
    }
  }

  private func wait(id: UInt64) async throws -> Grant {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<Grant, any Error>) in
        let cancelled = state.withLock { state in
          state.registering.remove(id)
          if state.cancelledWhileRegistering.remove(id) != nil { return true }
          let timer = Task { [weak self] in
            try? await Task.sleep(for: self?.acquireTimeout ?? .zero)
            guard !Task.isCancelled else { return }
            self?.timeOut(id: id)
          }
          state.waiters[id] = Waiter(continuation: continuation, timer: timer)
          state.waitOrder.append(id)
          return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
      }
    } onCancel: {
      let waiter: Waiter? = state.withLock { state in
        if state.registering.contains(id) {
          state.cancelledWhileRegistering.insert(id)
          return nil
        }
        return state.waiters.removeValue(forKey: id)
      }
      waiter?.timer?.cancel()
      waiter?.continuation.resume(throwing: CancellationError())
    }
  }

  private func timeOut(id: UInt64) {
    let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
    waiter?.continuation.resume(
      throwing: PostgresError.poolExhausted(maxConnections: maxConnections, timeout: acquireTimeout)
    )
  }

  private static var closedError: PostgresError {
    PostgresError(kind: .poolClosed, message: "the connection pool is shut down")
  }
}
