/// RFC 4122 UUIDs as admin center accepts them: the 8-4-4-4-12 hexadecimal form, a version
/// nibble 1...8 and the RFC 4122 variant. Stored and returned lower-cased.
public enum ResourceUUID {
  /// The canonical lower-case form of `text`, or nil when it is not an RFC 4122 UUID.
  public static func canonical(_ text: String) -> String? {
    let lower = text.lowercased()
    let scalars = Array(lower.unicodeScalars)
    guard scalars.count == 36 else { return nil }
    for (index, scalar) in scalars.enumerated() {
      if [8, 13, 18, 23].contains(index) {
        guard scalar == "-" else { return nil }
      } else if !isHexDigit(scalar) {
        return nil
      }
    }
    // Version nibble (position 14) and variant (position 19, binary 10xx).
    guard let version = Int(String(scalars[14]), radix: 16), (1...8).contains(version) else {
      return nil
    }
    guard "89ab".unicodeScalars.contains(scalars[19]) else { return nil }
    return lower
  }

  /// Validates an optional uuid field; returns the canonical form, or nil when absent or
  /// invalid (recording the violation).
  public static func optional(
    _ value: String?, at path: FieldPath, into violations: inout ViolationCollector
  ) -> String? {
    guard let value, !value.isEmpty else { return nil }
    guard let canonical = canonical(value) else {
      violations.add(path, "must be an RFC 4122 UUID such as 431c1b10-af57-4402-ad3e-df7da3cb0e2a")
      return nil
    }
    return canonical
  }

  private static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
    ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar)
  }
}
