/// A phone number in E.164 (C8): `+`, country calling code and national significant number.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
  /// The E.164 form, e.g. `+886912345678`.
  public let e164: String
  /// The calling code the number belongs to, e.g. `886`.
  public let callingCode: String

  public var description: String { e164 }

  /// Normalises `raw` (C8).
  ///
  /// Spaces, `-`, `.`, `(`, `)` are removed. `+…` and `00…` are international; anything else
  /// is national and needs `defaultCountry`. With `requireInternational` (WhatsApp numbers) a
  /// number without `+` is refused.
  public static func parse(
    _ raw: String, defaultCountry: String?, field: String, requireInternational: Bool = false
  ) throws(FieldViolation) -> PhoneNumber {
    let text = Text.normalize(raw)
    var digits = ""
    var international = false
    for (index, character) in text.enumerated() {
      switch character {
      case "+" where index == 0: international = true
      case " ", "-", ".", "(", ")", "\u{00A0}": continue
      case "0"..."9": digits.append(character)
      default:
        throw invalid(field, raw, "contains \"\(character)\"")
      }
    }
    if requireInternational && !international {
      throw invalid(field, raw, "must be in international form starting with +")
    }
    if !international && digits.hasPrefix("00") {
      international = true
      digits.removeFirst(2)
    }
    guard !digits.isEmpty else { throw invalid(field, raw, "has no digits") }
    if international {
      return try parseInternational(digits, raw: raw, field: field)
    }
    guard let defaultCountry, let plan = NumberingPlan.byCountry[defaultCountry.uppercased()] else {
      throw FieldViolation(
        field: field, reason: .missingDefaultCountry,
        message:
          "\(field) \"\(raw)\" is a national number and no default country is known to read it")
    }
    var nsn = Substring(digits)
    if let prefix = plan.nationalPrefix, nsn.hasPrefix(prefix),
      !plan.accepts(nationalSignificantNumber: nsn)
    {
      nsn = nsn.dropFirst(prefix.count)
    }
    guard plan.accepts(nationalSignificantNumber: nsn) else {
      throw invalid(field, raw, "is not a valid \(plan.country) number")
    }
    return PhoneNumber(e164: "+" + plan.callingCode + nsn, callingCode: plan.callingCode)
  }

  private static func parseInternational(_ digits: String, raw: String, field: String)
    throws(FieldViolation)
    -> PhoneNumber
  {
    guard digits.count <= 15 else { throw invalid(field, raw, "has more than 15 digits") }
    for codeLength in 1...3 where digits.count > codeLength {
      let code = String(digits.prefix(codeLength))
      guard let plans = NumberingPlan.byCallingCode[code] else { continue }
      var nsn = digits.dropFirst(codeLength)
      // "+886 0912…" keeps the trunk prefix by mistake; accept it when the rest is valid.
      if let prefix = plans[0].nationalPrefix, nsn.hasPrefix(prefix),
        !plans.contains(where: { $0.accepts(nationalSignificantNumber: nsn) })
      {
        nsn = nsn.dropFirst(prefix.count)
      }
      guard plans.contains(where: { $0.accepts(nationalSignificantNumber: nsn) }) else {
        throw invalid(field, raw, "is not a valid number for country code +\(code)")
      }
      return PhoneNumber(e164: "+" + code + nsn, callingCode: code)
    }
    throw invalid(field, raw, "has an unknown country calling code")
  }

  /// Whether this number belongs to `country` (ISO alpha-2) — C29's one country per import.
  public func belongs(to country: String) -> Bool {
    NumberingPlan.byCountry[country.uppercased()]?.callingCode == callingCode
  }

  private static func invalid(_ field: String, _ raw: String, _ why: String) -> FieldViolation {
    FieldViolation(field: field, reason: .invalidPhone, message: "\(field) \"\(raw)\" \(why)")
  }
}

/// ISO 3166-1 alpha-2 country codes the service can read national numbers with (C29).
public enum Country {
  /// Validates a `default_country` value; empty means "none".
  public static func parse(_ raw: String, field: String = "default_country") throws(FieldViolation)
    -> String?
  {
    let value = Text.normalize(raw).uppercased()
    if value.isEmpty { return nil }
    guard NumberingPlan.byCountry[value] != nil else {
      throw FieldViolation(
        field: field, reason: .invalidCountry,
        message: "\(field) \"\(raw)\" is not a supported ISO 3166-1 alpha-2 country code")
    }
    return value
  }
}
