/// Checks shared by every free-text field: length in Unicode characters (CONVENTIONS.md:
/// full-width and half-width count one) and no control characters.
public enum TextRules {
  /// Validates a required display text (a name or label): present, not blank, at most
  /// `maxCharacters` characters, no control characters. Returns the text unchanged when valid.
  public static func requiredText(
    _ value: String?, at path: FieldPath, maxCharacters: Int,
    into violations: inout ViolationCollector
  ) -> String? {
    guard let value, !value.isEmpty else {
      violations.add(path, "is required")
      return nil
    }
    if value.allSatisfy(\.isWhitespace) {
      violations.add(path, "must not be blank")
      return nil
    }
    if value.count > maxCharacters {
      violations.add(path, "must be at most \(maxCharacters) characters (got \(value.count))")
      return nil
    }
    if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      violations.add(path, "must not contain control characters")
      return nil
    }
    return value
  }
}
