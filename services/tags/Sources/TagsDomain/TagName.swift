import Foundation

/// A validated, normalised tag name (T1, T26).
///
/// Normalisation trims leading/trailing Unicode whitespace (including the full-width space
/// U+3000) and applies NFC, so names that look alike compare alike; uniqueness (T2) is an
/// exact, case-sensitive comparison of the normalised value.
public struct TagName: Sendable, Hashable, CustomStringConvertible {
  /// Longest name a tag created in MAAC may have, in characters (T1, T28).
  public static let maacMaximumLength = 50
  /// Longest name accepted for CAAC tags arriving through CDH (T1, Q4).
  public static let caacMaximumLength = 255

  /// The normalised name.
  public let value: String

  /// Validates `raw` for a tag of `source`; `field` names the request field in errors.
  ///
  /// Length counts Unicode code points after NFC: a full-width character and a half-width
  /// character each count as one ("不區分全型及半形", seed `000_cdf4c795f079462f.txt:3747`).
  public init(validating raw: String, source: TagSource = .maac, field: String = "name")
    throws(TagRuleViolation)
  {
    let normalized = TagName.normalize(raw)
    if normalized.isEmpty {
      throw TagRuleViolation(
        .invalidArgument, reason: "TAG_NAME_EMPTY", field: field,
        message: "\(field): must not be empty")
    }
    for (index, scalar) in normalized.unicodeScalars.enumerated()
    where TagName.isForbidden(scalar) {
      throw TagRuleViolation(
        .invalidArgument, reason: "TAG_NAME_INVALID_CHARS", field: field,
        message: "\(field): contains a control character or U+FFFD at position \(index + 1)")
    }
    let length = normalized.unicodeScalars.count
    let maximum = source == .maac ? TagName.maacMaximumLength : TagName.caacMaximumLength
    if length > maximum {
      throw TagRuleViolation(
        .invalidArgument, reason: "TAG_NAME_TOO_LONG", field: field,
        message: "\(field): must be at most \(maximum) characters (got \(length))")
    }
    value = normalized
  }

  /// Trims Unicode whitespace at both ends and applies NFC.
  public static func normalize(_ raw: String) -> String {
    raw.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
  }

  /// C0 controls, DEL and the replacement character (a sign of mis-decoded input, T26).
  static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value <= 0x1F || scalar.value == 0x7F || scalar.value == 0xFFFD
  }

  public var description: String { value }
}
