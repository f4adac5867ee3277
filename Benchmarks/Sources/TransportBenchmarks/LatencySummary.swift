/// Percentiles of a set of call latencies.
struct LatencySummary: Sendable {
  var p50: Duration
  var p99: Duration

  init(_ latencies: [Duration]) {
    let sorted = latencies.sorted()
    func percentile(_ fraction: Double) -> Duration {
      guard !sorted.isEmpty else { return .zero }
      let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
      return sorted[max(0, index)]
    }
    self.p50 = percentile(0.50)
    self.p99 = percentile(0.99)
  }
}

extension Duration {
  var seconds: Double {
    let (seconds, attoseconds) = self.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }

  var microseconds: Double { self.seconds * 1e6 }
}
