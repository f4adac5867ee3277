import Foundation

/// Seconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01 (UTC).
let postgresEpochOffset: TimeInterval = 946_684_800

extension Date: PostgresCodable {
  /// A `Date` is an instant, so it travels as `timestamptz` (microsecond precision).
  public static var postgresDataType: PostgresDataType { .timestamptz }

  public func encode(into buffer: inout [UInt8]) {
    let micros = ((timeIntervalSince1970 - postgresEpochOffset) * 1_000_000).rounded()
    buffer.appendBigEndian(Int64(micros))
  }

  /// Decodes timestamptz, timestamp (read as UTC) and date (midnight UTC).
  /// PostgreSQL's `infinity`/`-infinity` become `distantFuture`/`distantPast`.
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Date {
    if cell.dataType == .date {
      let date = try PostgresDate.decode(from: cell)
      return Date(timeIntervalSince1970: TimeInterval(date.daysSince1970) * 86_400)
    }
    try cell.requireType(.timestamptz, .timestamp, for: Date.self)
    var reader = PostgresByteReader(try cell.requireBytes(for: Date.self))
    guard reader.remaining == 8, let micros = reader.readInteger(as: Int64.self) else {
      throw cell.failure(Date.self, "malformed \(cell.dataType)")
    }
    if micros == .max { return .distantFuture }
    if micros == .min { return .distantPast }
    return Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000 + postgresEpochOffset)
  }
}
