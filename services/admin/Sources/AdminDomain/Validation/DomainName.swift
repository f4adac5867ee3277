/// Lower-case fully qualified domain names (A11 brand and sender domains): at least two
/// dot-separated labels of 1...63 characters `a-z`, `0-9`, `-` (not at either end), at most 253
/// characters, and a top-level label that is not all digits.
public enum DomainName {
  /// Why `text` is not a lower-case FQDN, or nil when it is one.
  public static func problem(with text: String) -> String? {
    if text.isEmpty { return "is required" }
    if text.count > 253 { return "must be at most 253 characters" }
    if text != text.lowercased() { return "must be lower-case" }
    if text.hasSuffix(".") { return "must not end with a dot" }
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    if labels.count < 2 { return "must be a fully qualified domain name such as example.com" }
    for label in labels {
      if label.isEmpty { return "must not contain empty labels" }
      if label.count > 63 { return "labels must be at most 63 characters" }
      let allowed = label.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
      }
      if !allowed { return "may only contain a-z, 0-9, '-' and '.'" }
      if label.hasPrefix("-") || label.hasSuffix("-") {
        return "labels must not start or end with '-'"
      }
    }
    if labels.last!.allSatisfy(\.isNumber) { return "the top-level label must not be numeric" }
    return nil
  }
}
