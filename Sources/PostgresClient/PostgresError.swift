/// An error from the database layer: a server error with its SQLSTATE and diagnostic fields,
/// or a client-side failure (connection lost, pool exhausted, ...).
///
/// Services map ``kind`` and ``sqlState`` to RPC status codes, for example
/// ``Kind/poolExhausted`` → `RESOURCE_EXHAUSTED`, ``Kind/connectionFailed`` and
/// ``Kind/connectionClosed`` → `UNAVAILABLE`, ``PostgresSQLState/uniqueViolation`` →
/// `ALREADY_EXISTS`.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, coarsely.
  public enum Kind: Sendable, Hashable {
    /// The server rejected a statement; ``PostgresError/sqlState`` says why.
    case server
    /// A connection could not be established.
    case connectionFailed
    /// An established connection broke (server restart, terminated backend, network).
    case connectionClosed
    /// No connection became free within the pool's acquire timeout.
    case poolExhausted
    /// The pool was shut down.
    case poolClosed
    /// The connection settings could not be parsed.
    case invalidConfiguration
    /// The body of a transaction swallowed a server error, so PostgreSQL rolled back.
    case transactionAborted
    /// The server answered in a way this client does not expect (wrong result kind).
    case unexpectedResult
  }

  public var kind: Kind
  /// The SQLSTATE the server reported, if any.
  public var sqlState: PostgresSQLState?
  /// The primary message (the server's, or ours for client-side errors).
  public var message: String
  /// The server's `DETAIL`, e.g. `Key (email)=(a@b.c) already exists.`
  public var detail: String?
  /// The server's `HINT`.
  public var hint: String?
  /// The violated constraint's name, for constraint violations.
  public var constraint: String?
  public var schema: String?
  public var table: String?
  public var column: String?
  /// `ERROR`, `FATAL`, ... (not localized).
  public var severity: String?

  public init(
    kind: Kind,
    message: String,
    sqlState: PostgresSQLState? = nil,
    detail: String? = nil,
    hint: String? = nil,
    constraint: String? = nil,
    schema: String? = nil,
    table: String? = nil,
    column: String? = nil,
    severity: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
    self.constraint = constraint
    self.schema = schema
    self.table = table
    self.column = column
    self.severity = severity
  }

  /// Whether retrying the whole transaction may succeed (40001, 40P01).
  public var isRetryableTransactionFailure: Bool {
    sqlState?.isRetryableTransactionFailure ?? false
  }

  /// Whether the failure is about reaching the server rather than about the statement.
  public var isConnectionFailure: Bool {
    kind == .connectionFailed || kind == .connectionClosed
      || (sqlState?.isConnectionFailure ?? false)
  }

  public var description: String {
    var text = "PostgreSQL"
    if let sqlState { text += " \(sqlState)" }
    text += " (\(kind)): \(message)"
    if let detail { text += " — detail: \(detail)" }
    if let hint { text += " — hint: \(hint)" }
    if let constraint { text += " — constraint: \(constraint)" }
    return text
  }

  static func poolExhausted(maxConnections: Int, timeout: Duration) -> PostgresError {
    PostgresError(
      kind: .poolExhausted,
      message: "all \(maxConnections) connections of the pool stayed busy for \(timeout)")
  }
}
