import Foundation

/// A validated inclusive range of coverage days (T21): at most 366 days, end not before start.
public struct CoverageDateRange: Sendable, Hashable {
  /// Longest range, in days.
  public static let maximumDays = 366

  /// First day.
  public let start: CalendarDay
  /// Last day (inclusive).
  public let end: CalendarDay

  /// Parses and validates the request's `start_date`/`end_date`.
  public init(start: String, end: String) throws(TagRuleViolation) {
    func invalid(_ field: String, _ why: String) -> TagRuleViolation {
      TagRuleViolation(
        .invalidArgument, reason: "INVALID_DATE_RANGE", field: field, message: "\(field): \(why)")
    }
    guard let first = CalendarDay(start) else {
      throw invalid("start_date", "must be a date in YYYY-MM-DD form (got \"\(start)\")")
    }
    guard let last = CalendarDay(end) else {
      throw invalid("end_date", "must be a date in YYYY-MM-DD form (got \"\(end)\")")
    }
    guard last >= first else { throw invalid("end_date", "must not be before start_date") }
    guard first.days(to: last) + 1 <= CoverageDateRange.maximumDays else {
      throw invalid("end_date", "range must not exceed \(CoverageDateRange.maximumDays) days")
    }
    self.start = first
    self.end = last
  }

  /// Every day of the range, ascending.
  public var days: [CalendarDay] {
    var result = [start]
    while result.last! < end { result.append(result.last!.next) }
    return result
  }
}

/// The figures of one computed coverage day.
public struct CoverageFigures: Sendable, Hashable {
  /// Non-deleted contacts of the channel at snapshot time.
  public let totalContacts: Int64
  /// Of those, contacts having at least one tag (T12 "has").
  public let taggedContacts: Int64
  /// LINE only: following contacts.
  public let followingTotal: Int64
  /// LINE only: following contacts with a tag.
  public let followingTagged: Int64
  /// When the figures were computed.
  public let computedAt: Date

  /// Creates figures.
  public init(
    totalContacts: Int64, taggedContacts: Int64, followingTotal: Int64 = 0,
    followingTagged: Int64 = 0, computedAt: Date
  ) {
    self.totalContacts = totalContacts
    self.taggedContacts = taggedContacts
    self.followingTotal = followingTotal
    self.followingTagged = followingTagged
    self.computedAt = computedAt
  }

  /// `tagged / total`, absent when there are no contacts (never a fake 0).
  public var coverageRate: Double? {
    totalContacts == 0 ? nil : Double(taggedContacts) / Double(totalContacts)
  }
}

/// A stored snapshot of one day: computed, or marked failed by the pipeline.
public enum CoverageSnapshot: Sendable, Hashable {
  /// The day was computed.
  case computed(CoverageFigures)
  /// The computation ran and failed.
  case failed(reason: String)
}

/// One day as `GetTagCoverage` returns it.
public enum CoveragePoint: Sendable, Hashable {
  /// Numbers for the day.
  case computed(CalendarDay, CoverageFigures)
  /// No numbers: the computation failed or has not run. Never reported as zero coverage.
  case missing(CalendarDay)

  /// The day.
  public var day: CalendarDay {
    switch self {
    case .computed(let day, _), .missing(let day): day
    }
  }
}

/// Builds the coverage series of a date range (T21).
public enum TagCoverageSeries {
  /// One point per day of `range`, ascending; days without a computed snapshot are missing.
  public static func points(
    for range: CoverageDateRange, snapshots: [CalendarDay: CoverageSnapshot]
  ) -> [CoveragePoint] {
    range.days.map { day in
      if case .computed(let figures) = snapshots[day] { return .computed(day, figures) }
      return .missing(day)
    }
  }
}
