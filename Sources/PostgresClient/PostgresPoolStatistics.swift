/// A snapshot of a pool's usage, for metrics and health.
public struct PostgresPoolStatistics: Sendable, Hashable {
  /// Connections open or being opened.
  public var open: Int
  /// Open connections waiting in the pool.
  public var idle: Int
  /// Connections lent out (or being opened for a borrower).
  public var inUse: Int
  /// Borrowers waiting for a connection.
  public var waiting: Int
  public var maxConnections: Int
}
