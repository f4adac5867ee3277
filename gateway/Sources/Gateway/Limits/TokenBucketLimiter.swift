import Synchronization

/// Token buckets keyed by a value (an organization id, a client IP): each key may spend
/// `burst` requests at once and regains `ratePerSecond` per second.
///
/// Buckets live in a few lock-striped shards so concurrent requests of different keys rarely
/// contend; full buckets are dropped when a shard grows large, so idle keys cost nothing.
final class TokenBucketLimiter<Key: Hashable & Sendable>: Sendable {
  private struct Bucket: Sendable {
    var tokens: Double
    var updated: ContinuousClock.Instant
  }

  private final class Shard: Sendable {
    let buckets = Mutex<[Key: Bucket]>([:])
  }

  private let ratePerSecond: Double
  private let burst: Double
  private let shards: [Shard]
  private static var shardCount: Int { 16 }
  private static var pruneThreshold: Int { 4096 }

  /// `nil` when the limit is off (`ratePerSecond` or `burst` ≤ 0).
  init?(ratePerSecond: Double, burst: Int) {
    guard ratePerSecond > 0, burst > 0 else { return nil }
    self.ratePerSecond = ratePerSecond
    self.burst = Double(burst)
    self.shards = (0..<Self.shardCount).map { _ in Shard() }
  }

  /// `count` per minute with a burst of `count`.
  convenience init?(perMinute count: Int) {
    self.init(ratePerSecond: Double(count) / 60, burst: count)
  }

  /// Takes one token for `key`: `nil` when allowed, otherwise the whole seconds (≥ 1) until
  /// a token is back (the `Retry-After` value).
  func take(_ key: Key, now: ContinuousClock.Instant = .now) -> Int? {
    let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
    return shard.buckets.withLock { buckets -> Int? in
      var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
      bucket.tokens = min(burst, bucket.tokens + ratePerSecond * Self.seconds(now - bucket.updated))
      bucket.updated = now
      if bucket.tokens >= 1 {
        bucket.tokens -= 1
        buckets[key] = bucket
        return nil
      }
      buckets[key] = bucket
      if buckets.count > Self.pruneThreshold { prune(&buckets, now: now) }
      return max(1, Int(((1 - bucket.tokens) / ratePerSecond).rounded(.up)))
    }
  }

  /// Whether `key` has a token left, without taking it.
  func hasToken(_ key: Key, now: ContinuousClock.Instant = .now) -> Int? {
    let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
    return shard.buckets.withLock { buckets -> Int? in
      guard let bucket = buckets[key] else { return nil }
      let tokens = min(burst, bucket.tokens + ratePerSecond * Self.seconds(now - bucket.updated))
      if tokens >= 1 { return nil }
      return max(1, Int(((1 - tokens) / ratePerSecond).rounded(.up)))
    }
  }

  private func prune(_ buckets: inout [Key: Bucket], now: ContinuousClock.Instant) {
    buckets = buckets.filter { _, bucket in
      bucket.tokens + ratePerSecond * Self.seconds(now - bucket.updated) < burst
    }
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}
