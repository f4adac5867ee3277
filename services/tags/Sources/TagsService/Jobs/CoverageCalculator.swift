import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle
import TagsDomain

/// Computes tag coverage snapshots (T21) from the current state: totals from contacts'
/// `ListChannelContactCounts`, tagged figures from the tag manager's own copy of each
/// contact's channel (`contact_channel`) and its visible associations ("has" of T12).
///
/// A run stores one row per channel of the organization and one for `channel_id = 0` (all
/// channels) for the organization's current day. Run periodically, the last run of a day is
/// its end-of-day snapshot; a day on which no run succeeded keeps no computed row and reads
/// `missing`, never 0. A run whose totals cannot be fetched records the day as failed (also
/// read as missing) unless an earlier run of that day succeeded.
struct CoverageCalculator: ServiceLifecycle.Service {
  let pool: PostgresPool
  /// ServiceKit's client of peer `contacts`; without it nothing can be computed.
  let contacts: GRPCClient<NGHTTP2ClientTransport>?
  /// Known organizations and their time zones (issue #9), when admin center is configured.
  let gate: OrganizationGate?
  var interval: Duration = .seconds(600)
  let logger: Logger

  static let defaultTimeZone = TimeZone(identifier: "Asia/Taipei")!

  func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          let rows = try await pool.query("SELECT DISTINCT organization_id FROM contact_channel")
          for row in rows {
            try Task.checkCancellation()
            let organizationID = try row.decode("organization_id", as: Int64.self)
            do {
              _ = try await computeToday(organizationID: organizationID)
            } catch is CancellationError {
              return
            } catch {
              logger.warning(
                "coverage run failed",
                metadata: ["organization": "\(organizationID)", "error": "\(error)"])
            }
          }
        } catch is CancellationError {
          return
        } catch {
          logger.error("coverage runs failed; retrying", metadata: ["error": "\(error)"])
        }
        try? await Task.sleep(for: interval)
      }
    }
  }

  /// The organization's time zone (from admin center, else the platform default).
  func timeZone(organizationID: Int64) async -> TimeZone {
    if let gate, let known = try? await gate.admit(organizationID),
      let named = TimeZone(identifier: known.timeZone)
    {
      return named
    }
    return Self.defaultTimeZone
  }

  /// The organization's current calendar day.
  func today(organizationID: Int64) async -> CalendarDay {
    CalendarDay(containing: Date(), in: await timeZone(organizationID: organizationID))
  }

  /// Computes and stores a past day "as of its end" from the tag manager's own data (T21):
  /// the copy's change log says which contacts were live, on which channel and following, at
  /// the end of `day`; the application history says which of them had a tag then (last
  /// history entry per association is an add, the tag not deleted then, not expired then).
  /// Writes the rows of `channelID` (0 = every channel and the all-channels row).
  func computePast(
    organizationID: Int64, day: CalendarDay, channelID: Int64, zone: TimeZone
  ) async throws {
    let asOf = day.next.start(in: zone)
    let rows = try await pool.query(
      """
      WITH state AS (
        SELECT DISTINCT ON (l.contact_id) l.contact_id, l.channel_id, l.line_follow_status, l.deleted
        FROM contact_channel_log l
        WHERE l.organization_id = \(organizationID) AND l.changed_at < \(asOf)
        ORDER BY l.contact_id, l.deleted DESC, l.source_version DESC, l.changed_at DESC
      ),
      live AS (
        SELECT contact_id, channel_id, line_follow_status = 'following' AS following
        FROM state WHERE NOT deleted AND channel_id <> 0
      ),
      last_events AS (
        SELECT DISTINCT ON (e.contact_id, e.tag_source, e.tag_id, e.origin)
          e.contact_id, e.tag_source, e.tag_id, e.action, e.occurred_at
        FROM tag_events e
        WHERE e.organization_id = \(organizationID) AND e.occurred_at < \(asOf)
          AND e.contact_id IN (SELECT contact_id FROM live)
        ORDER BY e.contact_id, e.tag_source, e.tag_id, e.origin, e.occurred_at DESC, e.id DESC
      ),
      tagged AS (
        SELECT DISTINCT le.contact_id FROM last_events le
        JOIN tags t ON t.organization_id = \(organizationID) AND t.source = le.tag_source
          AND t.id = le.tag_id
        WHERE le.action = 'add'
          AND (t.deleted_at IS NULL OR t.deleted_at >= \(asOf))
          AND NOT (t.expiry_mode = 'absolute' AND t.expire_at <= \(asOf))
          AND NOT (t.expiry_mode = 'relative'
            AND le.occurred_at + make_interval(days => t.ttl_days) <= \(asOf))
      )
      SELECT l.channel_id, count(*) AS total,
        count(*) FILTER (WHERE l.following) AS following_total,
        count(tg.contact_id) AS tagged,
        count(tg.contact_id) FILTER (WHERE l.following) AS following_tagged
      FROM live l LEFT JOIN tagged tg ON tg.contact_id = l.contact_id
      GROUP BY l.channel_id
      """)
    var figures = CoverageRows()
    for row in rows {
      figures.add(
        channel: try row.decode("channel_id", as: Int64.self),
        total: try row.decode("total", as: Int64.self),
        tagged: try row.decode("tagged", as: Int64.self),
        followingTotal: try row.decode("following_total", as: Int64.self),
        followingTagged: try row.decode("following_tagged", as: Int64.self))
    }
    if channelID != 0 { figures.keepOnly(channel: channelID) }
    try await store(figures, organizationID: organizationID, day: day, zeroOthers: channelID == 0)
  }

  /// Computes and stores the current day's snapshot; returns that day.
  func computeToday(organizationID: Int64) async throws -> CalendarDay {
    let day = await today(organizationID: organizationID)
    do {
      try await compute(organizationID: organizationID, day: day)
    } catch let error as RPCError {
      try await recordFailure(
        organizationID: organizationID, day: day,
        reason: "contacts totals unavailable: \(error.code) \(error.message)")
      throw ServiceError(
        .unavailable,
        "coverage of \(day) needs contacts' ListChannelContactCounts, which answered \(error.code); the day reads missing"
      )
    }
    return day
  }

  private func compute(organizationID: Int64, day: CalendarDay) async throws {
    guard let contacts else {
      throw RPCError(code: .unavailable, message: "no contacts service is configured")
    }
    let caller = CallerContext(
      organizationID: organizationID, userID: "system:tags",
      requestID: CallerContext.current?.requestID ?? RequestID.generate())
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    let totals = try await Maac_Contacts_V1_ContactsInternal.Client(wrapping: contacts)
      .listChannelContactCounts(.init(), metadata: caller.metadata, options: options)
    let tagged = try await pool.query(
      """
      SELECT cc.channel_id, count(*) AS tagged,
        count(*) FILTER (WHERE cc.line_follow_status = 'following') AS following_tagged
      FROM contact_channel cc
      WHERE cc.organization_id = \(organizationID) AND cc.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.organization_id = ct.organization_id
            AND t.source = ct.tag_source AND t.id = ct.tag_id
          WHERE ct.organization_id = cc.organization_id AND ct.contact_id = cc.contact_id
            AND t.deleted_at IS NULL AND (ct.expires_at IS NULL OR ct.expires_at > now()))
      GROUP BY cc.channel_id
      """)
    var taggedByChannel: [Int64: (tagged: Int64, following: Int64)] = [:]
    for row in tagged {
      taggedByChannel[try row.decode("channel_id", as: Int64.self)] = (
        try row.decode("tagged", as: Int64.self), try row.decode("following_tagged", as: Int64.self)
      )
    }
    var figures = CoverageRows()
    for count in totals.counts {
      let mine = taggedByChannel[count.channelID] ?? (0, 0)
      figures.add(
        channel: count.channelID, total: count.total, tagged: mine.tagged,
        followingTotal: count.lineFollowing, followingTagged: mine.following)
    }
    try await store(figures, organizationID: organizationID, day: day, zeroOthers: true)
  }

  /// Writes computed rows of `day`; with `zeroOthers`, channels computed earlier for the day
  /// and absent now had no contacts left (a real 0, not a failure).
  private func store(
    _ figures: CoverageRows, organizationID: Int64, day: CalendarDay, zeroOthers: Bool
  ) async throws {
    let channels = figures.channels
    try await pool.execute(
      """
      INSERT INTO coverage_daily AS d (organization_id, channel_id, day, state, total_contacts,
        tagged_contacts, following_total, following_tagged, failure_reason, computed_at)
      SELECT \(organizationID), c, \(day.description)::date, 'computed', t, g, ft, fg, NULL, now()
      FROM unnest(\(channels)::bigint[], \(figures.total)::bigint[], \(figures.tagged)::bigint[],
                  \(figures.followingTotal)::bigint[], \(figures.followingTagged)::bigint[])
        AS u(c, t, g, ft, fg)
      ON CONFLICT (organization_id, channel_id, day) DO UPDATE SET state = 'computed',
        total_contacts = EXCLUDED.total_contacts, tagged_contacts = EXCLUDED.tagged_contacts,
        following_total = EXCLUDED.following_total, following_tagged = EXCLUDED.following_tagged,
        failure_reason = NULL, computed_at = EXCLUDED.computed_at
      """)
    guard zeroOthers else { return }
    try await pool.execute(
      """
      UPDATE coverage_daily SET total_contacts = 0, tagged_contacts = 0, following_total = 0,
        following_tagged = 0, computed_at = now()
      WHERE organization_id = \(organizationID) AND day = \(day.description)::date
        AND state = 'computed' AND NOT (channel_id = ANY(\(channels)::bigint[]))
      """)
  }

  /// Records a failed computation of `day`; an earlier successful run of the day is kept.
  func recordFailure(organizationID: Int64, day: CalendarDay, reason: String)
    async throws
  {
    try await pool.execute(
      """
      INSERT INTO coverage_daily (organization_id, channel_id, day, state, failure_reason)
      VALUES (\(organizationID), 0, \(day.description)::date, 'failed', \(reason))
      ON CONFLICT (organization_id, channel_id, day) DO UPDATE SET failure_reason = EXCLUDED.failure_reason
        WHERE coverage_daily.state = 'failed'
      """)
  }
}

/// The figures of one coverage day, one entry per channel plus the all-channels entry
/// (`channel_id = 0`, the sums) first.
struct CoverageRows: Sendable {
  var channels: [Int64] = [0]
  var total: [Int64] = [0]
  var tagged: [Int64] = [0]
  var followingTotal: [Int64] = [0]
  var followingTagged: [Int64] = [0]

  mutating func add(
    channel: Int64, total: Int64, tagged: Int64, followingTotal: Int64, followingTagged: Int64
  ) {
    channels.append(channel)
    self.total.append(total)
    self.tagged.append(tagged)
    self.followingTotal.append(followingTotal)
    self.followingTagged.append(followingTagged)
    self.total[0] += total
    self.tagged[0] += tagged
    self.followingTotal[0] += followingTotal
    self.followingTagged[0] += followingTagged
  }

  /// Only `channel`'s entry (a 0 entry when it had no live contact).
  mutating func keepOnly(channel: Int64) {
    guard let index = channels.firstIndex(of: channel), index > 0 else {
      self = CoverageRows(
        channels: [channel], total: [0], tagged: [0], followingTotal: [0], followingTagged: [0])
      return
    }
    self = CoverageRows(
      channels: [channel], total: [total[index]], tagged: [tagged[index]],
      followingTotal: [followingTotal[index]], followingTagged: [followingTagged[index]])
  }
}
