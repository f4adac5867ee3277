/// Exponential backoff between client connection attempts, as in gRPC's connection-backoff
/// document: `initial`, multiplied by `multiplier` per failure, capped at `maximum`, each
/// delay randomized by ±`jitter`.
public struct NGHTTP2ConnectionBackoff: Sendable, Hashable {
  public var initial: Duration
  public var maximum: Duration
  public var multiplier: Double
  public var jitter: Double

  public init(
    initial: Duration = .seconds(1),
    maximum: Duration = .seconds(120),
    multiplier: Double = 1.6,
    jitter: Double = 0.2
  ) {
    self.initial = initial
    self.maximum = maximum
    self.multiplier = multiplier
    self.jitter = jitter
  }

  /// The delay before retry number `attempt` (0 for the first retry).
  func delay(forAttempt attempt: Int) -> Duration {
    var seconds = Self.seconds(self.initial)
    let cap = Self.seconds(self.maximum)
    for _ in 0..<attempt where seconds < cap { seconds *= self.multiplier }
    seconds = min(seconds, cap)
    let spread = seconds * self.jitter
    seconds += Double.random(in: -spread...spread)
    return .nanoseconds(Int64(max(0, seconds) * 1e9))
  }

  private static func seconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
