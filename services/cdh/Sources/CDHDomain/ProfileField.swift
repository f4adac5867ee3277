import Foundation

/// Whether a profile field is merged across members, kept per entity or derived (§2.3).
public enum FieldLevel: Sendable, Equatable {
  /// Contact-level: merged by U21 and editable through UpdateProfile.
  case contact
  /// Entity-level: kept per channel entity, never merged (U23).
  case entity
  /// Derived: computed at read time, read-only (U25).
  case derived
}

/// The profile field catalog of cdh.md §2.3 and its validation (U30).
public enum ProfileField {
  /// Prefix of custom-field keys (`custom_fields.<key>`).
  public static let customFieldPrefix = "custom_fields."
  /// Limits of §2.3.
  public static let maxCustomFieldKeyLength = 50
  public static let maxCustomFieldsPerOrg = 200

  /// Contact-level fields with a fixed name, in catalog order.
  public static let contactLevel: [String] = [
    "display_name", "full_name", "display_mobile", "display_email", "region", "city", "address",
    "birthday", "gender", "company", "account_manager", "star_mark", "custom_id", "member_level",
    "connect_id",
  ]

  /// Entity-level fields (U23).
  public static let entityLevel: Set<String> = [
    "line_uid", "original_name", "original_mobile", "original_email", "avatar_url",
    "channel_status", "engagement_level", "last_engaged", "last_message_at", "created_at", "note",
    "fb_id", "ig_id", "bot_id", "channel_id", "org_uuid", "reachable",
  ]

  /// Derived fields (U25).
  public static let derived: Set<String> = [
    "age", "member_status", "contact_status", "effective_display_name",
  ]

  /// Region codes accepted for `region` (§2.3).
  public static let regions: Set<String> = [
    "kh", "cn", "hk", "in", "id", "jp", "kr", "mo", "my", "mm", "ph", "sg", "tw", "th", "vn",
    "other",
  ]

  public static let genders: Set<String> = ["female", "male", "others", "unknown"]

  static let contactLevelSet = Set(contactLevel)

  /// The five unify-capable attributes: never materialised on a split (U26).
  public static let unifyCapable: Set<String> = Set(UnifyAttribute.allCases.map(\.rawValue))

  /// The level of a field name, nil when the name is not in the catalog.
  public static func level(of field: String) -> FieldLevel? {
    if contactLevelSet.contains(field) || isCustomField(field) { return .contact }
    if entityLevel.contains(field) { return .entity }
    if derived.contains(field) { return .derived }
    return nil
  }

  public static func isCustomField(_ field: String) -> Bool {
    guard field.hasPrefix(customFieldPrefix) else { return false }
    let key = field.dropFirst(customFieldPrefix.count)
    return !key.isEmpty && key.count <= maxCustomFieldKeyLength
  }

  public static func isContactLevel(_ field: String) -> Bool { level(of: field) == .contact }

  /// Why a value was refused (`invalid value for {f}: {reason}`), nil when accepted.
  public enum Rejection: Error, Equatable {
    case unknownField
    case notEditable
    case invalidValue(String)
  }

  /// Checks that `field` may be written at profile level (U30) and normalises `value` the way
  /// it is stored (§2.3: phones E.164, gender and region lower-case, booleans canonical).
  /// `value == nil` is a clear, always accepted for editable fields.
  public static func validateProfileWrite(field: String, value: String?, country: String)
    -> Result<String?, Rejection>
  {
    switch level(of: field) {
    case nil: return .failure(.unknownField)
    case .entity, .derived: return .failure(.notEditable)
    case .contact: break
    }
    guard let value else { return .success(nil) }
    let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return .failure(.invalidValue("empty")) }
    switch field {
    case "display_mobile":
      guard trimmed.count <= 32 else { return .failure(.invalidValue("longer than 32 characters")) }
      let separators: Set<Character> = [" ", "-", ".", "(", ")"]
      let stripped = trimmed.filter { !separators.contains($0) }
      let body = stripped.hasPrefix("+") ? stripped.dropFirst() : Substring(stripped)
      guard !body.isEmpty, body.allSatisfy(\.isASCIIDigit) else {
        return .failure(.invalidValue("not a phone number"))
      }
      guard let normalised = MatchValueNormalizer.phoneMatchValue(trimmed, country: country),
        MatchValueNormalizer.isE164(normalised)
      else { return .failure(.invalidValue("not a valid E.164 phone number")) }
      return .success(normalised)
    case "display_email":
      guard trimmed.count <= 255 else {
        return .failure(.invalidValue("longer than 255 characters"))
      }
      let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        return .failure(.invalidValue("not an e-mail address"))
      }
      return .success(trimmed)
    case "region":
      let lowered = trimmed.lowercased()
      guard regions.contains(lowered) else { return .failure(.invalidValue("unknown region")) }
      return .success(lowered)
    case "gender":
      var lowered = trimmed.lowercased()
      if lowered == "other" { lowered = "others" }
      guard genders.contains(lowered) else { return .failure(.invalidValue("unknown gender")) }
      return .success(lowered)
    case "birthday":
      guard isCalendarDate(trimmed) else {
        return .failure(.invalidValue("not a YYYY-MM-DD date from 1900"))
      }
      return .success(trimmed)
    case "star_mark":
      switch trimmed.lowercased() {
      case "true", "1": return .success("true")
      case "false", "0": return .success("false")
      default: return .failure(.invalidValue("not a boolean"))
      }
    case "custom_id", "connect_id":
      guard trimmed.count <= 1024 else {
        return .failure(.invalidValue("longer than 1024 characters"))
      }
      return .success(trimmed)
    default:
      // Free text: the catalog's 255-character fields; custom-field values share the limit.
      let limit = isCustomField(field) ? 1024 : 255
      guard trimmed.count <= limit else {
        return .failure(.invalidValue("longer than \(limit) characters"))
      }
      return .success(trimmed)
    }
  }

  /// `YYYY-MM-DD`, a real calendar date, year ≥ 1900.
  public static func isCalendarDate(_ text: String) -> Bool {
    guard let (year, month, day) = dateParts(text), year >= 1900, (1...12).contains(month) else {
      return false
    }
    return day >= 1 && day <= daysIn(month: month, year: year)
  }

  static func dateParts(_ text: String) -> (Int, Int, Int)? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    return (year, month, day)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// U25: whole years from `birthday` to `today` (`YYYY-MM-DD`), nil when missing, malformed
  /// or in the future (O17).
  public static func age(birthday: String?, today: String) -> Int? {
    guard let birthday, let (by, bm, bd) = dateParts(birthday), let (ty, tm, td) = dateParts(today)
    else { return nil }
    if (by, bm, bd) > (ty, tm, td) { return nil }
    var years = ty - by
    if (tm, td) < (bm, bd) { years -= 1 }
    return years
  }
}
