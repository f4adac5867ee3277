import Foundation

/// Turns attribute values into the values entities are matched on (U10, U12). The displayed
/// value is always the raw one; match values exist only inside the graph.
public enum MatchValueNormalizer {
  /// The match value of `raw` for `attribute`, or nil when the value is empty and therefore
  /// never links (U10). `country` is the entity's org default country (ISO alpha-2).
  public static func matchValue(_ raw: String?, for attribute: UnifyAttribute, country: String)
    -> String?
  {
    guard let raw else { return nil }
    let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return nil }
    switch attribute {
    case .displayMobile: return phoneMatchValue(trimmed, country: country)
    case .displayEmail: return trimmed.lowercased()
    case .customID, .connectID, .lineUID: return trimmed
    }
  }

  /// U12 phone rule: strip separators; `+` keeps digits, `00` becomes `+`, a single leading
  /// `0` becomes the country calling code, anything else gets the calling code prefixed. A
  /// result that is not `+` and 8–15 digits is matched on its digits-only form.
  public static func phoneMatchValue(_ raw: String, country: String) -> String? {
    let separators: Set<Character> = [" ", "-", ".", "(", ")", "\t"]
    let stripped = String(raw.filter { !separators.contains($0) })
    let digitsOnly = String(stripped.filter(\.isASCIIDigit))
    guard !digitsOnly.isEmpty else { return nil }
    let callingCode = CountryCallingCodes.code(for: country)
    let candidate: String?
    if stripped.hasPrefix("+") {
      candidate = "+" + digitsOnly
    } else if stripped.hasPrefix("00") {
      candidate = "+" + digitsOnly.dropFirst(2)
    } else if stripped.hasPrefix("0") {
      candidate = callingCode.map { "+" + $0 + digitsOnly.dropFirst() }
    } else {
      candidate = callingCode.map { "+" + $0 + digitsOnly }
    }
    let wellFormed = stripped.dropFirst(stripped.hasPrefix("+") ? 1 : 0).allSatisfy(\.isASCIIDigit)
    if wellFormed, let candidate, isE164(candidate) { return candidate }
    return digitsOnly
  }

  /// `+` followed by 8–15 digits.
  public static func isE164(_ value: String) -> Bool {
    guard value.hasPrefix("+") else { return false }
    let digits = value.dropFirst()
    return (8...15).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit)
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
