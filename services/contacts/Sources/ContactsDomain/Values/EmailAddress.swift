/// An email address (C9): stored as given (trimmed), compared lower-cased.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
  /// As given, trimmed and NFC-normalised.
  public let value: String

  /// The comparison key (lower-cased), used for matching and uniqueness (C3).
  public var key: String { value.lowercased() }
  /// The part after `@`.
  public var domain: String { String(value[value.index(after: value.firstIndex(of: "@")!)...]) }
  public var description: String { value }

  /// Validates `raw`: ≤ 255 characters, exactly one `@`, non-empty local part, a domain with at
  /// least one dot and no spaces.
  public static func parse(_ raw: String, field: String) throws(FieldViolation) -> EmailAddress {
    let value = Text.normalize(raw)
    func invalid(_ why: String) -> FieldViolation {
      FieldViolation(field: field, reason: .invalidEmail, message: "\(field) \"\(raw)\" \(why)")
    }
    guard Text.length(value) <= FieldLimits.email else {
      throw invalid("is longer than \(FieldLimits.email) characters")
    }
    let parts = value.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2 else { throw invalid("must contain exactly one @") }
    let local = parts[0]
    let domain = parts[1]
    guard !local.isEmpty else { throw invalid("has an empty local part") }
    guard !value.contains(where: \.isWhitespace) else { throw invalid("contains white space") }
    guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
      !domain.contains("..")
    else { throw invalid("needs a domain with at least one dot") }
    return EmailAddress(value: value)
  }

  private init(value: String) { self.value = value }
}
