import Foundation
import Testing

@testable import TagsDomain

@Suite("Coverage and events")
struct CoverageAndEventsTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  @Test("T21: a day without a computed snapshot reads missing, never 0")
  func missingNeverZero() throws {
    let range = try CoverageDateRange(start: "2026-02-27", end: "2026-03-02")
    let figures = CoverageFigures(totalContacts: 200, taggedContacts: 50, computedAt: now)
    let points = TagCoverageSeries.points(
      for: range,
      snapshots: [
        CalendarDay("2026-02-27")!: .computed(figures),
        CalendarDay("2026-02-28")!: .failed(reason: "pipeline failed"),
        CalendarDay("2026-03-02")!: .computed(
          CoverageFigures(totalContacts: 0, taggedContacts: 0, computedAt: now)),
      ])
    #expect(
      points.map(\.day.description) == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
    #expect(points[0] == .computed(CalendarDay("2026-02-27")!, figures))
    #expect(points[1] == .missing(CalendarDay("2026-02-28")!))
    #expect(points[2] == .missing(CalendarDay("2026-03-01")!))
    #expect(figures.coverageRate == 0.25)
    if case .computed(_, let empty) = points[3] {
      #expect(empty.coverageRate == nil)
    } else {
      Issue.record("computed day lost")
    }
  }

  @Test("T21: dates must be YYYY-MM-DD, end ≥ start, at most 366 days")
  func dateRange() throws {
    #expect(try CoverageDateRange(start: "2024-01-01", end: "2024-12-31").days.count == 366)
    let cases: [(String, String, String)] = [
      ("2024-1-01", "2024-01-02", "start_date"), ("2024-02-30", "2024-03-01", "start_date"),
      ("2024-01-01", "tomorrow", "end_date"), ("2024-01-05", "2024-01-04", "end_date"),
      ("2024-01-01", "2025-01-01", "end_date"),
    ]
    for (start, end, field) in cases {
      do {
        _ = try CoverageDateRange(start: start, end: end)
        Issue.record("\(start)..\(end) accepted")
      } catch {
        #expect(error.reason == "INVALID_DATE_RANGE")
        #expect(error.field == field)
      }
    }
  }

  @Test("T21: coverage days follow the org time zone")
  func timeZoneDay() {
    let instant = Date(timeIntervalSince1970: 1_767_200_400)  // 2025-12-31T17:00:00Z
    #expect(
      CalendarDay(containing: instant, in: TimeZone(identifier: "UTC")!).description == "2025-12-31"
    )
    #expect(
      CalendarDay(containing: instant, in: TimeZone(identifier: "Asia/Taipei")!).description
        == "2026-01-01")
  }

  @Test("T24/T10: the trigger feed carries direct changes only")
  func triggerFeed() {
    #expect(TagEventRouting.publishesTrigger(origin: .direct, removeReason: nil))
    #expect(TagEventRouting.publishesTrigger(origin: .direct, removeReason: .manual))
    #expect(TagEventRouting.publishesTrigger(origin: .direct, removeReason: .expired))
    #expect(!TagEventRouting.publishesTrigger(origin: .inherited, removeReason: nil))
    #expect(!TagEventRouting.publishesTrigger(origin: .inherited, removeReason: .cdhSync))
  }

  @Test("T14/T25: tag and contact deletions never reach the trigger feed")
  func massRemovalsSilent() {
    #expect(!TagEventRouting.publishesTrigger(origin: .direct, removeReason: .tagDeleted))
    #expect(!TagEventRouting.publishesTrigger(origin: .direct, removeReason: .contactDeleted))
  }

  @Test("T22: only direct changes not delivered by CDH are offered to CDH")
  func cdhEcho() {
    #expect(TagEventRouting.offeredToCDH(origin: .direct, taggedVia: .manual))
    #expect(TagEventRouting.offeredToCDH(origin: .direct, taggedVia: nil))
    #expect(!TagEventRouting.offeredToCDH(origin: .direct, taggedVia: .cdhSync))
    #expect(!TagEventRouting.offeredToCDH(origin: .inherited, taggedVia: .unification))
  }

  @Test("T23/T10: CDH normal tags become direct cdh rows now; inherited keep the event time")
  func inboundCDH() throws {
    let eventTime = now - 3600
    let normal = InboundCDHTag(
      contactID: 5, tag: TagKey(id: 99, source: .caac), tagName: "Gold", action: .add,
      inherited: false, timestamp: eventTime)
    let app = normal.application(processedAt: now)
    #expect(app.origin == .direct)
    #expect(app.refType == .cdh)
    #expect(app.taggedVia == .cdhSync)
    #expect(app.occurredAt == now)
    #expect(app.tag.source == .caac)
    let inherited = InboundCDHTag(
      contactID: 5, tag: TagKey(id: 3), tagName: "VIP", action: .add, inherited: true,
      timestamp: eventTime)
    let inheritedApp = inherited.application(processedAt: now)
    #expect(inheritedApp.origin == .inherited)
    #expect(inheritedApp.refType == .cdhInherited)
    #expect(inheritedApp.occurredAt == eventTime)
    #expect(inherited.isStale(comparedTo: now))
    #expect(!inherited.isStale(comparedTo: eventTime - 1))
    #expect(!inherited.isStale(comparedTo: nil))
    let longName = InboundCDHTag(
      contactID: 5, tag: TagKey(id: 8, source: .caac), tagName: String(repeating: "x", count: 200),
      action: .add, inherited: false, timestamp: now)
    #expect(try longName.definitionName().value.count == 200)
  }
}

@Suite("Coverage days in a time zone")
struct CoverageDayBoundaryTests {
  @Test("T21: a past day is computed as of its end, the next local midnight of the organization")
  func dayEnd() throws {
    let taipei = try #require(TimeZone(identifier: "Asia/Taipei"))
    let day = try #require(CalendarDay("2026-12-01"))
    // 2026-11-30T16:00Z
    #expect(day.start(in: taipei) == Date(timeIntervalSince1970: 1_796_054_400))
    #expect(day.next.start(in: taipei).timeIntervalSince(day.start(in: taipei)) == 86_400)
    let utc = try #require(TimeZone(identifier: "UTC"))
    #expect(day.start(in: utc) == Date(timeIntervalSince1970: 1_796_083_200))
    #expect(CalendarDay(containing: day.start(in: taipei), in: taipei) == day)
  }
}
