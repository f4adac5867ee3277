import Foundation

/// Replay protection for `AttachTags`, `DetachTags` and `StartBulkTagJob` (T8).
///
/// A key is scoped to the organization and the operation; a repeat inside the window changes
/// nothing and publishes nothing.
public enum IdempotencyPolicy {
  /// How long a key is remembered.
  public static let window: TimeInterval = 24 * 3600
  /// Longest key accepted.
  public static let maximumKeyLength = 200

  /// The stored key for `operation`, or nil when the caller sent none.
  public static func scopedKey(_ key: String, operation: String) throws(TagRuleViolation)
    -> String?
  {
    if key.isEmpty { return nil }
    guard key.unicodeScalars.count <= maximumKeyLength else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_IDEMPOTENCY_KEY", field: "idempotency_key",
        message: "idempotency_key: must be at most \(maximumKeyLength) characters")
    }
    return "\(operation):\(key)"
  }

  /// Whether a key first recorded at `recordedAt` still makes a request a duplicate at `now`.
  public static func isDuplicate(recordedAt: Date, now: Date) -> Bool {
    now.timeIntervalSince(recordedAt) < window
  }
}
