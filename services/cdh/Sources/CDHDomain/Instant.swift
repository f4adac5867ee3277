import Foundation

/// A point in time with microsecond precision, the precision of source timestamps
/// (cdh.md §2.2) and of PostgreSQL `timestamptz`.
public struct Instant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// Microseconds since 1970-01-01T00:00:00Z.
  public var microseconds: Int64

  public init(microseconds: Int64) { self.microseconds = microseconds }

  public init(_ date: Date) {
    self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
  }

  public static func seconds(_ seconds: Int64) -> Instant {
    Instant(microseconds: seconds * 1_000_000)
  }

  public static var now: Instant { Instant(Date()) }

  public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

  public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.microseconds < rhs.microseconds }

  public func adding(microseconds delta: Int64) -> Instant {
    Instant(microseconds: microseconds + delta)
  }

  public var description: String { "\(date) (+\(microseconds % 1_000_000)µs)" }
}
