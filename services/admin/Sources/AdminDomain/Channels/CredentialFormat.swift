/// The shape a credential value must have. Checked before anything is stored so that a typo
/// (a pasted space, a truncated secret) is caught when Ops provisions the channel, not when a
/// message fails to send days later.
public enum CredentialFormat: Sendable, Hashable {
  /// An opaque bearer token or API key: 1...4096 visible ASCII characters, no whitespace.
  case token
  /// Exactly 32 lower-case hexadecimal characters (LINE channel secrets, Meta app secrets).
  case lowerHex32
  /// 1...20 decimal digits (Meta object ids such as a WhatsApp phone-number id).
  case numericID
  /// A provider name: 1...64 characters `a-z`, `0-9`, `-`, `_`, starting with a letter or digit.
  case slug
  /// An SMS sender: an E.164 number (`+` and 8...15 digits, no leading zero) or an alphanumeric
  /// sender id of 1...11 letters, digits and spaces with at least one letter.
  case smsSender
  /// A public key: 1...8192 characters of PEM or base64 text (visible ASCII, spaces, newlines).
  case publicKey

  /// Why `value` does not have this shape, or nil when it has. Never quotes the value: it may
  /// be a secret.
  public func problem(with value: String) -> String? {
    let scalars = value.unicodeScalars
    switch self {
    case .token:
      if scalars.isEmpty || scalars.count > 4096 || !scalars.allSatisfy(Self.isVisibleASCII) {
        return "must be 1..4096 visible ASCII characters without spaces"
      }
    case .lowerHex32:
      if scalars.count != 32 || !scalars.allSatisfy(Self.isLowerHex) {
        return "must be exactly 32 lower-case hexadecimal characters"
      }
    case .numericID:
      if scalars.isEmpty || scalars.count > 20 || !scalars.allSatisfy(Self.isDigit) {
        return "must be 1..20 decimal digits"
      }
    case .slug:
      let valid =
        !scalars.isEmpty && scalars.count <= 64
        && (Self.isLowerAlnum(scalars.first!))
        && scalars.allSatisfy { Self.isLowerAlnum($0) || $0 == "-" || $0 == "_" }
      if !valid {
        return "must be 1..64 characters a-z, 0-9, '-', '_' starting with a letter or digit"
      }
    case .smsSender:
      if !Self.isE164(value) && !Self.isAlphanumericSender(value) {
        return "must be an E.164 number such as +886912345678 or an alphanumeric sender id "
          + "of 1..11 letters, digits and spaces with at least one letter"
      }
    case .publicKey:
      let valid =
        !scalars.isEmpty && scalars.count <= 8192
        && scalars.allSatisfy { Self.isVisibleASCII($0) || $0 == " " || $0 == "\n" || $0 == "\r" }
      if !valid {
        return "must be 1..8192 characters of PEM or base64 text"
      }
    }
    return nil
  }

  private static func isVisibleASCII(_ scalar: Unicode.Scalar) -> Bool {
    (0x21...0x7E).contains(scalar.value)
  }

  private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

  private static func isLowerHex(_ scalar: Unicode.Scalar) -> Bool {
    isDigit(scalar) || ("a"..."f").contains(scalar)
  }

  private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
    isDigit(scalar) || ("a"..."z").contains(scalar)
  }

  private static func isE164(_ value: String) -> Bool {
    let scalars = Array(value.unicodeScalars)
    guard scalars.first == "+", (9...16).contains(scalars.count), scalars[1] != "0" else {
      return false
    }
    return scalars.dropFirst().allSatisfy(isDigit)
  }

  private static func isAlphanumericSender(_ value: String) -> Bool {
    let scalars = value.unicodeScalars
    guard (1...11).contains(scalars.count), scalars.first != " ", scalars.last != " " else {
      return false
    }
    let isLetter: (Unicode.Scalar) -> Bool = {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0)
    }
    return scalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == " " }
      && scalars.contains(where: isLetter)
  }
}
