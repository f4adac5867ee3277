/// A calendar date without time or time zone: PostgreSQL's `date`.
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before).
  public var daysSince1970: Int

  public init(daysSince1970: Int) {
    self.daysSince1970 = daysSince1970
  }

  /// The date, or `nil` when the day does not exist (e.g. February 30th).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), (1...31).contains(day) else { return nil }
    let days = Self.days(year: year, month: month, day: day)
    let candidate = PostgresDate(daysSince1970: days)
    guard candidate.components == (year, month, day) else { return nil }
    self = candidate
  }

  /// Parses `YYYY-MM-DD`.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  public var year: Int { components.year }
  public var month: Int { components.month }
  public var day: Int { components.day }

  /// Proleptic Gregorian year, month, day (the civil-from-days algorithm).
  public var components: (year: Int, month: Int, day: Int) {
    let z = daysSince1970 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  public var description: String {
    let (year, month, day) = components
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(abs(value))
      return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count))
        + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
    lhs.daysSince1970 < rhs.daysSince1970
  }

  private static func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}

extension PostgresDate: PostgresCodable {
  /// Days between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
  private static let epochDays = 10_957

  public static var postgresDataType: PostgresDataType { .date }

  public func encode(into buffer: inout [UInt8]) {
    buffer.appendBigEndian(Int32(clamping: daysSince1970 - Self.epochDays))
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> PostgresDate {
    try cell.requireType(.date, for: PostgresDate.self)
    var reader = PostgresByteReader(try cell.requireBytes(for: PostgresDate.self))
    guard reader.remaining == 4, let days = reader.readInteger(as: Int32.self) else {
      throw cell.failure(PostgresDate.self, "malformed date")
    }
    guard days != .max, days != .min else {
      throw cell.failure(PostgresDate.self, "the date is infinite")
    }
    return PostgresDate(daysSince1970: Int(days) + epochDays)
  }
}
