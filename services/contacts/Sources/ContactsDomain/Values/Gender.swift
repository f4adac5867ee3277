/// A stored gender (C11). Default `unknown`.
public enum Gender: String, CaseIterable, Hashable, Sendable, Codable {
  case female
  case male
  case others
  case unknown

  /// API input: case-insensitive; `other` is accepted for `others` (§9 Q8).
  public static func parseAPI(_ raw: String, field: String = "gender") throws(FieldViolation)
    -> Gender
  {
    let value = Text.normalize(raw).lowercased()
    if value == "other" { return .others }
    guard let gender = Gender(rawValue: value) else {
      throw FieldViolation(
        field: field, reason: .invalidGender,
        message: "\(field) must be one of female, male, others, unknown; got \"\(raw)\"")
    }
    return gender
  }

  /// Import input: only the documented `female`, `male`, `unknown` (case-insensitive).
  public static func parseImport(_ raw: String, field: String = "gender") throws(FieldViolation)
    -> Gender
  {
    let value = Text.normalize(raw).lowercased()
    guard let gender = Gender(rawValue: value), gender != .others else {
      throw FieldViolation(
        field: field, reason: .invalidGender,
        message: "\(field) must be one of female, male, unknown; got \"\(raw)\"")
    }
    return gender
  }
}

/// Where the displayed gender came from (C11).
public enum GenderSource: String, CaseIterable, Hashable, Sendable, Codable {
  case `default`
  case manual
  case channel
  case predicted
}

/// The gender values a contact holds by source; the displayed one follows C11's priority.
public struct GenderValues: Hashable, Sendable, Codable {
  /// Set by a user, the API, an import or a CDH broadcast.
  public var manual: Gender?
  /// Provided by the channel (Facebook).
  public var channel: Gender?
  /// Predicted by analytics.
  public var predicted: Gender?

  public init(manual: Gender? = nil, channel: Gender? = nil, predicted: Gender? = nil) {
    self.manual = manual
    self.channel = channel
    self.predicted = predicted
  }

  /// manual wins, then channel, then predicted, else `unknown` (C11).
  public var resolved: (gender: Gender, source: GenderSource) {
    if let manual { return (manual, .manual) }
    if let channel { return (channel, .channel) }
    if let predicted { return (predicted, .predicted) }
    return (.unknown, .default)
  }
}
