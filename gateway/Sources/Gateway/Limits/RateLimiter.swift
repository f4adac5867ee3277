import NIOHTTP1

/// Applies ``RateLimits`` (G11). One instance per gateway; every check is a lock-striped
/// token bucket, so it is cheap on the hot path.
final class RateLimiter: Sendable {
  private let organizations: TokenBucketLimiter<Int64>?
  private let validate: TokenBucketLimiter<Int64>?
  private let failedAuthentications: TokenBucketLimiter<String>?
  private let exchange: TokenBucketLimiter<String>?

  init(_ limits: RateLimits) {
    organizations = TokenBucketLimiter(
      ratePerSecond: limits.organizationPerSecond, burst: limits.organizationBurst)
    validate = TokenBucketLimiter(perMinute: limits.validatePerMinute)
    failedAuthentications = TokenBucketLimiter(perMinute: limits.failedAuthenticationsPerMinute)
    exchange = TokenBucketLimiter(perMinute: limits.exchangePerMinute)
  }

  /// Before authenticating: a client IP over its failed-authentication budget is refused
  /// without verifying anything; so is one over the exchange route's budget.
  /// Returns the `Retry-After` seconds when refused.
  func checkClient(_ address: String?, route: Route) -> Int? {
    guard let address else { return nil }
    if let exchange, route.method == .POST, route.path == "/api/token/v1/exchange",
      let wait = exchange.take(address)
    {
      return wait
    }
    return failedAuthentications?.hasToken(address)
  }

  /// A request from `address` failed authentication.
  func recordFailedAuthentication(_ address: String?) {
    guard let address else { return }
    _ = failedAuthentications?.take(address)
  }

  /// After authenticating: the organization's budgets. Returns `Retry-After` when refused.
  func checkOrganization(_ organizationID: Int64, route: Route) -> Int? {
    if let validate, route.method == .POST, route.path.hasSuffix("/validate"),
      let wait = validate.take(organizationID)
    {
      return wait
    }
    return organizations?.take(organizationID)
  }
}
