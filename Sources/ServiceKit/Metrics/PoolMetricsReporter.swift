import PostgresClient

/// Publishes a pool's usage as gauges every few seconds: how many connections are open,
/// idle, lent out, and how many borrowers wait (a waiting count above zero is the first
/// sign that a service needs a larger pool).
public struct PoolMetricsReporter: Sendable {
  private let pool: PostgresPool
  private let metrics: RPCMetrics
  private let interval: Duration

  public init(pool: PostgresPool, metrics: RPCMetrics, interval: Duration = .seconds(5)) {
    self.pool = pool
    self.metrics = metrics
    self.interval = interval
  }

  /// Sets the gauges once from the pool's current statistics.
  public func report() {
    let statistics = pool.statistics
    let gauges: [(String, String, Int)] = [
      ("db_pool_open_connections", "Connections the pool holds open.", statistics.open),
      ("db_pool_idle_connections", "Open connections waiting to be lent.", statistics.idle),
      ("db_pool_in_use_connections", "Connections lent to a caller now.", statistics.inUse),
      ("db_pool_waiting_borrowers", "Callers waiting for a connection.", statistics.waiting),
      ("db_pool_max_connections", "The pool's size limit.", statistics.maxConnections),
    ]
    for (name, help, value) in gauges {
      metrics.set(gauge: name, help: help, value: Double(value))
    }
  }

  /// Reports until cancelled.
  public func run() async {
    while !Task.isCancelled {
      report()
      try? await Task.sleep(for: interval)
    }
  }
}
