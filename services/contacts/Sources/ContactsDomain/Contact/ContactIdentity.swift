/// The channel primary key of each type (§2.2, C2, C3, C6, C8, C9).
public enum ContactIdentity {
  /// Validates and normalises a primary key for `type`: LINE UID syntax, E.164 with `+` for
  /// WhatsApp (and sms, read with `defaultCountry` when national), lower-case email, digits for
  /// Facebook and Instagram ids.
  public static func normalizePrimaryKey(
    _ raw: String, type: ChannelType, field: String, defaultCountry: String? = nil
  ) throws(FieldViolation) -> String {
    switch type {
    case .line:
      return try LineUID.parse(raw, field: field)
    case .whatsapp:
      return try PhoneNumber.parse(
        raw, defaultCountry: defaultCountry, field: field, requireInternational: true
      ).e164
    case .sms:
      return try PhoneNumber.parse(raw, defaultCountry: defaultCountry, field: field).e164
    case .email:
      return try EmailAddress.parse(raw, field: field).key
    case .facebook, .instagram:
      let value = Text.normalize(raw)
      guard !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }) else {
        throw FieldViolation(
          field: field, reason: .invalidExternalID,
          message: "\(field) \"\(raw)\" must be the \(type.rawValue) user id (digits only)")
      }
      return value
    }
  }

  /// Uniqueness scope (C3): sms contacts are unique per organization; the others per channel.
  public static func uniquenessChannel(type: ChannelType, channelID: Int64?) -> Int64 {
    type == .sms ? 0 : channelID ?? 0
  }
}
