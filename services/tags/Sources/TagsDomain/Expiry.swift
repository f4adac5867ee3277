import Foundation

/// How a tag's associations expire (T20).
public enum Expiry: Sendable, Hashable {
  /// Associations never expire (default).
  case none
  /// Each direct association expires `ttlDays` after it was last applied.
  case relative(ttlDays: Int)
  /// The whole tag expires at `expireAt`.
  case absolute(expireAt: Date)

  /// Allowed range of `ttl_days`.
  public static let ttlDaysRange = 1...3650

  /// The wire modes of `Expiry`.
  public enum Mode: String, Sendable, Hashable {
    case unspecified
    case none
    case relative
    case absolute
  }

  /// Validates the wire fields of an expiry; `field` prefixes error field names.
  ///
  /// An unspecified mode with no other field set means `none`; setting a field of the other
  /// mode is refused so a typo never silently drops a setting.
  public static func validated(
    mode: Mode, ttlDays: Int, expireAt: Date?, now: Date, field: String = "expiry"
  ) throws(TagRuleViolation) -> Expiry {
    func invalid(_ subfield: String, _ why: String) -> TagRuleViolation {
      TagRuleViolation(
        .invalidArgument, reason: "INVALID_EXPIRY", field: "\(field).\(subfield)",
        message: "\(field).\(subfield): \(why)")
    }
    switch mode {
    case .unspecified, .none:
      if ttlDays != 0 { throw invalid("ttl_days", "must not be set unless mode is relative") }
      if expireAt != nil { throw invalid("expire_at", "must not be set unless mode is absolute") }
      return .none
    case .relative:
      if expireAt != nil { throw invalid("expire_at", "must not be set when mode is relative") }
      guard ttlDaysRange.contains(ttlDays) else {
        throw invalid("ttl_days", "must be between 1 and 3650 (got \(ttlDays))")
      }
      return .relative(ttlDays: ttlDays)
    case .absolute:
      if ttlDays != 0 { throw invalid("ttl_days", "must not be set when mode is absolute") }
      guard let expireAt else { throw invalid("expire_at", "is required when mode is absolute") }
      guard expireAt > now else { throw invalid("expire_at", "must be in the future") }
      return .absolute(expireAt: expireAt)
    }
  }

  /// The wire mode of this expiry.
  public var mode: Mode {
    switch self {
    case .none: .none
    case .relative: .relative
    case .absolute: .absolute
    }
  }

  /// When a direct association last applied at `lastTaggedAt` stops counting, or nil.
  public func associationExpiry(lastTaggedAt: Date) -> Date? {
    switch self {
    case .none: nil
    case .relative(let days): lastTaggedAt.addingTimeInterval(TimeInterval(days) * 86_400)
    case .absolute(let expireAt): expireAt
    }
  }

  /// Whether the tag as a whole is expired at `now` (absolute mode only).
  public func tagIsExpired(at now: Date) -> Bool {
    if case .absolute(let expireAt) = self { return expireAt <= now }
    return false
  }
}
