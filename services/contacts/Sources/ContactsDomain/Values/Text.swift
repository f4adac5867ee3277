import Foundation

/// Text conventions of the spec (§0 "Text"): trim Unicode white space, NFC-normalise, and count
/// length in Unicode code points so a full-width character counts 1 like a half-width one.
public enum Text {
  /// Trimmed (leading/trailing Unicode white space and newlines) and NFC-normalised.
  public static func normalize(_ value: String) -> String {
    // Fast path for plain ASCII (most cells of an import): NFC leaves it unchanged.
    let utf8 = value.utf8
    if utf8.allSatisfy({ $0 < 0x80 }) {
      func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
      guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
      let last = utf8.lastIndex(where: { !isSpace($0) })!
      if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return value }
      return String(value[first...last])
    }
    return value.trimmingCharacters(in: .whitespacesAndNewlines)
      .precomposedStringWithCanonicalMapping
  }

  /// Normalised, or `nil` when nothing but white space remains ("not set").
  public static func normalizedOrNil(_ value: String?) -> String? {
    guard let value else { return nil }
    let result = normalize(value)
    return result.isEmpty ? nil : result
  }

  /// Length in Unicode code points (after normalisation by the caller).
  public static func length(_ value: String) -> Int { value.unicodeScalars.count }

  /// Checks `value` against `limit` code points.
  public static func checkLength(
    _ value: String, limit: Int, field: String, reason: ReasonCode = .fieldTooLong
  ) throws(FieldViolation) {
    let count = length(value)
    if count > limit {
      throw FieldViolation(
        field: field, reason: reason,
        message: "\(field) is \(count) characters long; at most \(limit) are allowed")
    }
  }
}
