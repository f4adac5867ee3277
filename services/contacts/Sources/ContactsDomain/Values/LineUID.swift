/// LINE UID syntax (C6): `U` followed by 32 lower-case hexadecimal characters.
public enum LineUID {
  public static func isValid(_ value: String) -> Bool {
    let utf8 = value.utf8
    guard utf8.count == 33, utf8.first == UInt8(ascii: "U") else { return false }
    return utf8.dropFirst().allSatisfy { byte in
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
  }

  /// The trimmed UID, or `INVALID_LINE_UID` naming `field`.
  public static func parse(_ raw: String, field: String) throws(FieldViolation) -> String {
    let value = Text.normalize(raw)
    guard isValid(value) else {
      throw FieldViolation(
        field: field, reason: .invalidLineUID,
        message:
          "\(field) \"\(raw)\" is not a LINE UID (U followed by 32 lower-case hex characters)")
    }
    return value
  }
}
