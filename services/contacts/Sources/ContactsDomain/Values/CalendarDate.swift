import Foundation

/// A day without time (birthday, C10): `YYYY-MM-DD`, a real calendar date, year ≥ 1900.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let year: Int
  public let month: Int
  public let day: Int

  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= CalendarDate.days(in: month, of: year) else {
      return nil
    }
    self.year = year
    self.month = month
    self.day = day
  }

  public var description: String {
    String(format: "%04d-%02d-%02d", year, month, day)
  }

  public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }

  /// Parses a birthday (C10): exactly `YYYY-MM-DD`, a real date, year ≥ 1900.
  public static func parseBirthday(_ raw: String, field: String = "birthday") throws(FieldViolation)
    -> CalendarDate
  {
    let value = Text.normalize(raw)
    let invalid = FieldViolation(
      field: field, reason: .invalidDate,
      message: "\(field) \"\(raw)\" must be a real date YYYY-MM-DD with year 1900 or later")
    let parts = value.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900,
      let date = CalendarDate(year: year, month: month, day: day)
    else { throw invalid }
    return date
  }

  /// Whole years from this birthday to `today`; `nil` when the birthday is in the future (C10).
  public func age(on today: CalendarDate) -> Int? {
    guard self <= today else { return nil }
    var years = today.year - year
    if (today.month, today.day) < (month, day) { years -= 1 }
    return years
  }

  /// Today in `timeZone` (the organization's, C10).
  public static func today(in timeZone: TimeZone, now: Date = Date()) -> CalendarDate {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: now)
    return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
  }

  static func days(in month: Int, of year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}

/// `consent_at` of email imports (C40): `YYYY-MM-DD hh:mm:ss` in the org time zone.
public enum ConsentTime {
  public static func parse(_ raw: String, timeZone: TimeZone, field: String = "consent_at")
    throws(FieldViolation)
    -> Date
  {
    let value = Text.normalize(raw)
    let invalid = FieldViolation(
      field: field, reason: .invalidConsentAt,
      message: "\(field) \"\(raw)\" must be YYYY-MM-DD hh:mm:ss")
    let halves = value.split(separator: " ", omittingEmptySubsequences: true)
    guard halves.count == 2 else { throw invalid }
    guard let date = try? CalendarDate.parseBirthday(String(halves[0]), field: field) else {
      throw invalid
    }
    let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }),
      let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
      hour < 24, minute < 60, second < 60
    else { throw invalid }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let components = DateComponents(
      year: date.year, month: date.month, day: date.day, hour: hour, minute: minute, second: second)
    guard let result = calendar.date(from: components) else { throw invalid }
    return result
  }
}
