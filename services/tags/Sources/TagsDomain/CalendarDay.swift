import Foundation

/// A calendar date (`YYYY-MM-DD`) in an organization's time zone (T21).
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Year.
  public let year: Int
  /// Month 1...12.
  public let month: Int
  /// Day 1...31.
  public let day: Int

  private static let gregorian: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  /// Parses a strict `YYYY-MM-DD` that names a real date.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    let components = DateComponents(year: year, month: month, day: day)
    guard let date = CalendarDay.gregorian.date(from: components) else { return nil }
    let back = CalendarDay.gregorian.dateComponents([.year, .month, .day], from: date)
    guard back.year == year, back.month == month, back.day == day else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The day containing `date` in `timeZone`.
  public init(containing date: Date, in timeZone: TimeZone) {
    var calendar = CalendarDay.gregorian
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    year = parts.year!
    month = parts.month!
    day = parts.day!
  }

  private init(date: Date) {
    let parts = CalendarDay.gregorian.dateComponents([.year, .month, .day], from: date)
    year = parts.year!
    month = parts.month!
    day = parts.day!
  }

  /// Midnight UTC of this day, used for arithmetic only.
  var utcMidnight: Date {
    CalendarDay.gregorian.date(from: DateComponents(year: year, month: month, day: day))!
  }

  /// The instant this day begins in `timeZone` (its local midnight); the next day's start is
  /// the end of this one, the instant a past day's coverage is computed "as of" (T21).
  public func start(in timeZone: TimeZone) -> Date {
    var calendar = CalendarDay.gregorian
    calendar.timeZone = timeZone
    return calendar.startOfDay(
      for: calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!)
  }

  /// The following day.
  public var next: CalendarDay { CalendarDay(date: utcMidnight.addingTimeInterval(86_400)) }

  /// Days from `self` to `other` (positive when `other` is later).
  public func days(to other: CalendarDay) -> Int {
    Int((other.utcMidnight.timeIntervalSince(utcMidnight) / 86_400).rounded())
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }
}
