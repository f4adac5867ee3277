import Prometheus

/// The per-RPC figures every service exports: calls, errors by status, latency.
public struct RPCMetrics: Sendable {
  /// The registry the admin endpoint renders.
  public let registry: PrometheusCollectorRegistry

  /// Latency buckets from 0.5 ms to 10 s: platform RPCs are expected in single milliseconds.
  public static let latencyBuckets: [Duration] = [
    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
    .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
    .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
  ]

  public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
    self.registry = registry
  }

  /// Records one finished call of `method` with final status `code` (e.g. `ok`, `not_found`).
  public func record(method: String, code: String, duration: Duration) {
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "maac", metricName: "rpc_calls", unitName: "total",
        helpText: "Finished RPCs by method and status."),
      labels: [("method", method), ("code", code)]
    ).increment()
    if code != "ok" {
      registry.makeCounter(
        descriptor: MetricNameDescriptor(
          namespace: "maac", metricName: "rpc_errors", unitName: "total",
          helpText: "RPCs that ended with a status other than OK."),
        labels: [("method", method), ("code", code)]
      ).increment()
    }
    registry.makeDurationHistogram(
      descriptor: MetricNameDescriptor(
        namespace: "maac", metricName: "rpc_duration", unitName: "seconds",
        helpText: "Time from a call's start to its status."),
      labels: [("method", method)],
      buckets: Self.latencyBuckets
    ).record(duration)
  }

  /// Sets a gauge, e.g. pool usage: `set(gauge: "db_pool_in_use", value: 3)`.
  public func set(gauge name: String, help: String, value: Double, labels: [(String, String)] = [])
  {
    registry.makeGauge(
      descriptor: MetricNameDescriptor(
        namespace: "maac", metricName: name, unitName: "", helpText: help),
      labels: labels
    ).set(value)
  }

  /// The metrics in Prometheus text exposition format.
  public func render() -> String { registry.emitToString() }
}
