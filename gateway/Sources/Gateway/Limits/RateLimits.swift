import ServiceKit

/// The G11 limits (`gateway.md` §3, proposed there; configurable, tests set them high).
/// A limit of 0 switches that limit off.
///
/// | limit | default | flag / env |
/// |---|---|---|
/// | per organization, every route (token bucket) | 20 requests/s, burst 40 | `gateway-rate-org` / `MAAC_GATEWAY_RATE_ORG`, `gateway-rate-org-burst` / `MAAC_GATEWAY_RATE_ORG_BURST` |
/// | per organization, `POST .../validate` | 10 per minute | `gateway-rate-validate` / `MAAC_GATEWAY_RATE_VALIDATE` |
/// | per client IP, failed authentications | 30 per minute | `gateway-rate-auth-failures` / `MAAC_GATEWAY_RATE_AUTH_FAILURES` |
/// | per client IP, `POST /api/token/v1/exchange` | 60 per minute | `gateway-rate-exchange` / `MAAC_GATEWAY_RATE_EXCHANGE` |
public struct RateLimits: Sendable, Equatable {
  /// Requests per second refilled into each organization's bucket (fractions allowed).
  public var organizationPerSecond: Double
  public var organizationBurst: Int
  public var validatePerMinute: Int
  public var failedAuthenticationsPerMinute: Int
  public var exchangePerMinute: Int

  public init(
    organizationPerSecond: Double = 20, organizationBurst: Int = 40, validatePerMinute: Int = 10,
    failedAuthenticationsPerMinute: Int = 30, exchangePerMinute: Int = 60
  ) {
    self.organizationPerSecond = organizationPerSecond
    self.organizationBurst = organizationBurst
    self.validatePerMinute = validatePerMinute
    self.failedAuthenticationsPerMinute = failedAuthenticationsPerMinute
    self.exchangePerMinute = exchangePerMinute
  }

  /// The spec's defaults.
  public static var defaults: Self { Self() }
  /// Every limit off (benchmarks; tests that are not about limits).
  public static var unlimited: Self { Self(0, 0, 0, 0, 0) }

  private init(_ org: Double, _ burst: Int, _ validate: Int, _ auth: Int, _ exchange: Int) {
    self.init(
      organizationPerSecond: org, organizationBurst: burst, validatePerMinute: validate,
      failedAuthenticationsPerMinute: auth, exchangePerMinute: exchange)
  }

  public init(from source: ConfigurationSource) throws {
    let defaults = Self.defaults
    let range = 0...1_000_000_000
    let perSecond = try source.integer(
      "gateway-rate-org", default: Int(defaults.organizationPerSecond), range: range)
    organizationPerSecond = Double(perSecond)
    organizationBurst = try source.integer(
      "gateway-rate-org-burst", default: max(defaults.organizationBurst, perSecond * 2),
      range: range)
    validatePerMinute = try source.integer(
      "gateway-rate-validate", default: defaults.validatePerMinute, range: range)
    failedAuthenticationsPerMinute = try source.integer(
      "gateway-rate-auth-failures", default: defaults.failedAuthenticationsPerMinute, range: range)
    exchangePerMinute = try source.integer(
      "gateway-rate-exchange", default: defaults.exchangePerMinute, range: range)
  }
}
