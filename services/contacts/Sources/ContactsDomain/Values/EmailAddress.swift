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
    if let why = asciiProblem(value.utf8) {
      if why.isEmpty { return EmailAddress(value: value) }
      throw invalid(why)
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

  /// The checks of ``parse(_:field:)`` in the same order over the bytes of a plain-ASCII
  /// address (most addresses of an import), where characters and bytes coincide: nil when the
  /// address is not ASCII, "" when it is valid, else the problem.
  private static func asciiProblem(_ bytes: String.UTF8View) -> String? {
    var at: String.UTF8View.Index?
    var ats = 0
    var space = false
    for index in bytes.indices {
      let byte = bytes[index]
      if byte >= 0x80 { return nil }
      if byte == UInt8(ascii: "@") {
        ats += 1
        at = index
      }
      if byte == 0x20 || (0x09...0x0D).contains(byte) { space = true }
    }
    guard ats == 1, let at else { return "must contain exactly one @" }
    guard at != bytes.startIndex else { return "has an empty local part" }
    guard !space else { return "contains white space" }
    let domain = bytes[bytes.index(after: at)...]
    let dot = UInt8(ascii: ".")
    guard domain.contains(dot), domain.first != dot, domain.last != dot,
      !zip(domain, domain.dropFirst()).contains(where: { $0 == dot && $1 == dot })
    else { return "needs a domain with at least one dot" }
    return ""
  }
}
