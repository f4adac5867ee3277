internal import NIOCore

extension TimeAmount {
  /// Swift `Duration` to NIO's `TimeAmount`, saturating instead of trapping.
  init(converting duration: Duration) {
    let (seconds, attoseconds) = duration.components
    let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow {
      self = .nanoseconds(seconds > 0 ? Int64.max : Int64.min)
    } else {
      self = .nanoseconds(nanos &+ attoseconds / 1_000_000_000)
    }
  }
}
