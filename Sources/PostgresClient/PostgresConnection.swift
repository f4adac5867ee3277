import CLibPQ
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One libpq connection, confined to its own thread.
///
/// The actor runs on a ``PostgresThreadExecutor``: every blocking libpq call of this
/// connection happens on that one dedicated thread, and callers `await` the result from
/// anywhere (event loop code must hop off first, as with any `async` call).
///
/// Services normally borrow connections from a ``PostgresPool`` instead of opening them.
public actor PostgresConnection {
  private let executor: PostgresThreadExecutor
  public nonisolated var unownedExecutor: UnownedSerialExecutor {
    executor.asUnownedSerialExecutor()
  }

  /// The settings this connection was opened with.
  public nonisolated let configuration: PostgresConfiguration
  nonisolated let logger: Logger
  private var handle: OpaquePointer?
  private let canceller = PostgresCanceller()
  private let noticeSink: PostgresNoticeSink
  var transactionDepth = 0

  private init(configuration: PostgresConfiguration, logger: Logger) {
    self.configuration = configuration
    self.logger = logger
    self.noticeSink = PostgresNoticeSink(logger: logger)
    self.executor = PostgresThreadExecutor(name: "postgres-connection")
  }

  /// Opens a connection (the blocking connect runs on the connection's own thread).
  ///
  /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connectionFailed``.
  public static func connect(
    configuration: PostgresConfiguration,
    logger: Logger = Logger(label: "maac.postgres")
  ) async throws -> PostgresConnection {
    let connection = PostgresConnection(configuration: configuration, logger: logger)
    try await connection.open()
    return connection
  }

  isolated deinit {
    if let handle { PQfinish(handle) }
    canceller.clear()
    executor.shutdown()
  }

  private func open() throws(PostgresError) {
    guard let pg = PQconnectdb(configuration.conninfo) else {
      throw PostgresError(kind: .connectionFailed, message: "libpq is out of memory")
    }
    guard PQstatus(pg) == CONNECTION_OK else {
      let message = String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines()
      PQfinish(pg)
      throw PostgresError(
        kind: .connectionFailed,
        message:
          "cannot connect to \(configuration.host ?? "?"):\(configuration.port ?? 5432): \(message)"
      )
    }
    // Notices (e.g. "relation already exists, skipping") go to the logger, not to stderr.
    PQsetNoticeReceiver(
      pg,
      { context, result in
        guard let context, let result else { return }
        let sink = Unmanaged<PostgresNoticeSink>.fromOpaque(context).takeUnretainedValue()
        sink.receive(String(cString: PQresultErrorMessage(result)))
      }, Unmanaged.passUnretained(noticeSink).toOpaque())
    handle = pg
    canceller.set(PQgetCancel(pg))
  }

  /// Closes the connection. Later calls fail with ``PostgresError/Kind/connectionClosed``.
  public func close() {
    canceller.clear()
    if let handle { PQfinish(handle) }
    handle = nil
  }

  /// Whether ``close()`` was called or the connection broke.
  public var isClosed: Bool {
    guard let handle else { return true }
    return PQstatus(handle) != CONNECTION_OK
  }

  /// The server process id serving this connection (`pg_backend_pid()`).
  public var backendPID: Int32 {
    handle.map { PQbackendPID($0) } ?? 0
  }

  // MARK: Statements

  /// Runs one statement with bound parameters and returns its rows.
  ///
  /// - Throws: ``PostgresError`` (with ``PostgresError/sqlState`` for server errors), or
  ///   `CancellationError` when the task was cancelled before the statement started. A
  ///   cancellation while it runs asks the server to cancel it (SQLSTATE 57014).
  public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
    let result = try await runCancellable(query)
    defer { PQclear(result) }
    return Self.rows(of: result)
  }

  /// Runs one statement with `$1`, `$2`, ... placeholders bound to `parameters`.
  public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?]) async throws
    -> [PostgresRow]
  {
    try await query(PostgresQuery(sql, parameters))
  }

  /// Runs one statement and returns the number of rows it affected (0 when not applicable).
  @discardableResult
  public func execute(_ query: PostgresQuery) async throws -> Int {
    let result = try await runCancellable(query)
    defer { PQclear(result) }
    return Int(String(cString: PQcmdTuples(result))) ?? 0
  }

  /// Runs one statement with `$1`, `$2`, ... placeholders bound to `parameters`.
  @discardableResult
  public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?]) async throws
    -> Int
  {
    try await execute(PostgresQuery(sql, parameters))
  }

  /// Runs SQL text that may hold several statements, without parameters (simple query
  /// protocol), e.g. a migration file. Results are discarded.
  public func executeScript(_ sql: String) async throws {
    guard !Task.isCancelled else { throw CancellationError() }
    let pg = try requireHandle()
    let canceller = self.canceller
    let result = try await withTaskCancellationHandler {
      try check(PQexec(pg, sql))
    } onCancel: {
      canceller.cancel()
    }
    PQclear(result)
  }

  /// Sends a notification to `channel` (`pg_notify`), delivered when the transaction commits.
  public func notify(channel: String, payload: String = "") async throws {
    try await execute("SELECT pg_notify(\(channel), \(payload))")
  }

  // MARK: Internals shared with the pool, COPY and provisioning

  private func runCancellable(_ query: PostgresQuery) async throws -> OpaquePointer {
    guard !Task.isCancelled else { throw CancellationError() }
    let canceller = self.canceller
    return try await withTaskCancellationHandler {
      try run(query)
    } onCancel: {
      canceller.cancel()
    }
  }

  /// Runs `query` with binary parameters and binary results; the caller clears the result.
  func run(_ query: PostgresQuery) throws(PostgresError) -> OpaquePointer {
    let pg = try requireHandle()
    let values = query.bindings.values
    let types = values.map(\.dataType.rawValue)
    let lengths = values.map { Int32($0.bytes?.count ?? 0) }
    let formats = [Int32](repeating: 1, count: values.count)
    let total = values.reduce(0) { $0 + ($1.bytes?.count ?? 0) }
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
    defer { storage.deallocate() }
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(values.count)
    var offset = 0
    for value in values {
      guard let bytes = value.bytes else {
        pointers.append(nil)
        continue
      }
      let target = storage.baseAddress! + offset
      bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { target.copyMemory(from: base, byteCount: source.count) }
      }
      pointers.append(UnsafePointer(target.assumingMemoryBound(to: CChar.self)))
      offset += bytes.count
    }
    let result = PQexecParams(
      pg, query.sql, Int32(values.count), types, pointers, lengths, formats, 1)
    return try check(result)
  }

  /// Turns a libpq result into itself or into a ``PostgresError``.
  func check(_ result: OpaquePointer?) throws(PostgresError) -> OpaquePointer {
    guard let result else { throw connectionError() }
    let status = PQresultStatus(result)
    switch status {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_EMPTY_QUERY:
      return result
    case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
      let error = serverError(result)
      PQclear(result)
      throw error
    default:
      PQclear(result)
      throw PostgresError(
        kind: .unexpectedResult,
        message: "unexpected result status \(String(cString: PQresStatus(status)))")
    }
  }

  func requireHandle() throws(PostgresError) -> OpaquePointer {
    guard let handle else {
      throw PostgresError(kind: .connectionClosed, message: "the connection is closed")
    }
    return handle
  }

  func connectionError() -> PostgresError {
    let message = handle.map { String(cString: PQerrorMessage($0)).trimmingTrailingNewlines() }
    return PostgresError(
      kind: .connectionClosed, message: message ?? "the connection is closed")
  }

  private func serverError(_ result: OpaquePointer) -> PostgresError {
    func field(_ code: Character) -> String? {
      PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
    }
    let sqlState = field("C").map(PostgresSQLState.init(rawValue:))
    let broken = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
    let fallback = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
    return PostgresError(
      kind: broken ? .connectionClosed : .server,
      message: field("M") ?? (fallback.isEmpty ? connectionError().message : fallback),
      sqlState: sqlState,
      detail: field("D"),
      hint: field("H"),
      constraint: field("n"),
      schema: field("s"),
      table: field("t"),
      column: field("c"),
      severity: field("V"))
  }

  /// Copies a libpq result into Swift memory, so rows outlive `PQclear`.
  private static func rows(of result: OpaquePointer) -> [PostgresRow] {
    let rowCount = Int(PQntuples(result))
    let columnCount = Int(PQnfields(result))
    guard columnCount > 0 else { return [] }
    let columns = (0..<columnCount).map { index in
      PostgresColumn(
        name: String(cString: PQfname(result, Int32(index))),
        dataType: PostgresDataType(PQftype(result, Int32(index))))
    }
    var offsets = [Int](repeating: -1, count: rowCount * columnCount)
    var lengths = [Int32](repeating: 0, count: rowCount * columnCount)
    var total = 0
    for row in 0..<rowCount {
      for column in 0..<columnCount where PQgetisnull(result, Int32(row), Int32(column)) == 0 {
        let length = PQgetlength(result, Int32(row), Int32(column))
        offsets[row * columnCount + column] = total
        lengths[row * columnCount + column] = length
        total += Int(length)
      }
    }
    let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
      for row in 0..<rowCount {
        for column in 0..<columnCount {
          let cell = row * columnCount + column
          guard offsets[cell] >= 0, lengths[cell] > 0 else { continue }
          let source = PQgetvalue(result, Int32(row), Int32(column))!
          UnsafeMutableRawPointer(buffer.baseAddress! + offsets[cell])
            .copyMemory(from: source, byteCount: Int(lengths[cell]))
        }
      }
      initialized = total
    }
    let storage = PostgresResultStorage(
      columns: columns, bytes: bytes, offsets: offsets, lengths: lengths)
    return (0..<rowCount).map { PostgresRow(storage: storage, row: $0) }
  }

  // MARK: Pool support

  /// Whether an idle connection still works: reads whatever the server sent meanwhile
  /// (without blocking), which reveals a closed socket after a server restart or
  /// `pg_terminate_backend`.
  func isUsable() -> Bool {
    guard let pg = handle, PQstatus(pg) == CONNECTION_OK else { return false }
    // A terminated backend first sends its FATAL message, then closes the socket; keep
    // reading while the socket is readable so the end of the stream is seen too.
    var descriptor = pollfd(fd: PQsocket(pg), events: Int16(POLLIN), revents: 0)
    var reads = 0
    while reads < 8, poll(&descriptor, 1, 0) > 0 {
      guard PQconsumeInput(pg) == 1, PQstatus(pg) == CONNECTION_OK else { return false }
      reads += 1
    }
    while let notification = PQnotifies(pg) { PQfreemem(notification) }
    return PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) == PQTRANS_IDLE
  }

  /// Brings a returned connection back to idle; `false` means it must be discarded.
  func prepareForReuse() -> Bool {
    guard let pg = handle, PQstatus(pg) == CONNECTION_OK else { return false }
    switch PQtransactionStatus(pg) {
    case PQTRANS_IDLE:
      return true
    case PQTRANS_INTRANS, PQTRANS_INERROR:
      // A transaction was left open (e.g. BEGIN without COMMIT): never hand it to the next user.
      logger.warning("a pooled connection came back inside a transaction; rolling back")
      if let result = PQexec(pg, "ROLLBACK") { PQclear(result) }
      transactionDepth = 0
      return PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) == PQTRANS_IDLE
    default:
      return false
    }
  }

  /// The libpq transaction state, for transaction bookkeeping.
  var transactionStatus: PGTransactionStatusType {
    handle.map { PQtransactionStatus($0) } ?? PQTRANS_UNKNOWN
  }

  /// `password` hashed the way the server stores it (SCRAM-SHA-256), so provisioning never
  /// sends a cleartext password in SQL text.
  func encryptPassword(_ password: String, role: String) throws(PostgresError) -> String {
    let pg = try requireHandle()
    guard let encrypted = PQencryptPasswordConn(pg, password, role, "scram-sha-256") else {
      throw PostgresError(
        kind: .unexpectedResult,
        message: "cannot hash the password: \(connectionError().message)")
    }
    defer { PQfreemem(encrypted) }
    return String(cString: encrypted)
  }
}

/// Holds libpq's cancel handle so a task cancellation (any thread) can cancel a running
/// statement; `PQcancel` is thread-safe.
final class PostgresCanceller: @unchecked Sendable {
  private let lock = NSLock()
  private var handle: OpaquePointer?

  func set(_ handle: OpaquePointer?) {
    lock.withLock {
      if let old = self.handle { PQfreeCancel(old) }
      self.handle = handle
    }
  }

  func clear() { set(nil) }

  func cancel() {
    lock.withLock {
      guard let handle else { return }
      var buffer = [CChar](repeating: 0, count: 256)
      _ = PQcancel(handle, &buffer, Int32(buffer.count))
    }
  }
}

/// Receives server notices and logs them at debug level.
final class PostgresNoticeSink: Sendable {
  let logger: Logger

  init(logger: Logger) {
    self.logger = logger
  }

  func receive(_ message: String) {
    logger.debug("postgres notice", metadata: ["notice": "\(message.trimmingTrailingNewlines())"])
  }
}

extension PostgresConnection {
  /// Whether the caller runs on this connection's dedicated thread (for tests of the
  /// threading model).
  func isOnDedicatedThread() -> Bool {
    executor.isCurrentThread
  }
}

extension PostgresConnection {
  /// Same check from a nonisolated context (expected `false` off the connection's thread).
  nonisolated func executorThreadCheckFromHere() -> Bool {
    executor.isCurrentThread
  }
}

extension PostgresConnection {
  /// The executor, for tests that check its thread ends with the connection.
  nonisolated var executorForTesting: AnyObject { executor }
}
