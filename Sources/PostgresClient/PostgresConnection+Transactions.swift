import CLibPQ

/// How a transaction scope was opened: the outermost `BEGIN`, or a savepoint inside it.
enum PostgresTransactionScope: Sendable {
  case transaction
  case savepoint(String)
}

extension PostgresConnection {
  /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
  ///
  /// Called again inside `body` (on the same connection), it opens a savepoint instead, so
  /// an inner failure rolls back only the inner work. `isolation` applies to the outermost
  /// transaction only.
  ///
  /// - Throws: the body's error (after rolling back); a ``PostgresError`` when `COMMIT` fails
  ///   (e.g. serialization failure 40001); ``PostgresError/Kind/transactionAborted`` when the
  ///   body swallowed a server error, because PostgreSQL then rolls the transaction back.
  @discardableResult
  public nonisolated func withTransaction<T>(
    isolation: PostgresIsolationLevel = .readCommitted,
    _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    let scope = try await beginScope(isolation: isolation)
    let value: T
    do {
      value = try await body(self)
    } catch {
      await rollbackScope(scope)
      throw error
    }
    try await commitScope(scope)
    return value
  }

  /// Runs `body` inside a savepoint of the current transaction (or a transaction when none
  /// is open): an error rolls back only what `body` did.
  @discardableResult
  public nonisolated func withSavepoint<T>(
    _ body: (PostgresConnection) async throws -> T
  )
    async throws -> T
  {
    try await withTransaction(body)
  }

  func beginScope(isolation: PostgresIsolationLevel) throws(PostgresError)
    -> PostgresTransactionScope
  {
    if transactionDepth == 0 {
      try runSimple("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
      transactionDepth = 1
      return .transaction
    }
    let name = "maac_savepoint_\(transactionDepth)"
    try runSimple("SAVEPOINT \(name)")
    transactionDepth += 1
    return .savepoint(name)
  }

  func commitScope(_ scope: PostgresTransactionScope) throws(PostgresError) {
    let aborted = transactionStatus == PQTRANS_INERROR
    transactionDepth = max(0, transactionDepth - 1)
    switch scope {
    case .transaction:
      if aborted {
        try? runSimple("ROLLBACK")
        throw Self.abortedError
      }
      try runSimple("COMMIT")
    case .savepoint(let name):
      if aborted {
        try? runSimple("ROLLBACK TO SAVEPOINT \(name)")
        try? runSimple("RELEASE SAVEPOINT \(name)")
        throw Self.abortedError
      }
      try runSimple("RELEASE SAVEPOINT \(name)")
    }
  }

  func rollbackScope(_ scope: PostgresTransactionScope) {
    transactionDepth = max(0, transactionDepth - 1)
    do {
      switch scope {
      case .transaction:
        try runSimple("ROLLBACK")
      case .savepoint(let name):
        try runSimple("ROLLBACK TO SAVEPOINT \(name)")
        try runSimple("RELEASE SAVEPOINT \(name)")
      }
    } catch {
      // The body's error is what the caller needs; a broken connection is discarded by the pool.
      logger.warning("rollback failed", metadata: ["error": "\(error)"])
    }
  }

  private func runSimple(_ sql: String) throws(PostgresError) {
    PQclear(try run(PostgresQuery(unsafeSQL: sql)))
  }

  private static var abortedError: PostgresError {
    PostgresError(
      kind: .transactionAborted,
      message:
        "a statement of the transaction failed and its error was caught; the transaction was rolled back"
    )
  }
}
