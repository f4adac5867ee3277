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

  /// The organization's current calendar day (its time zone from admin center, else the
  /// platform default).
  func today(organizationID: Int64) async -> CalendarDay {
    var zone = Self.defaultTimeZone
    if let gate, let known = try? await gate.admit(organizationID),
      let named = TimeZone(identifier: known.timeZone)
    {
      zone = named
    }
    return CalendarDay(containing: Date(), in: zone)
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
    var channels: [Int64] = [0]
    var total: [Int64] = [0]
    var taggedCount: [Int64] = [0]
    var followingTotal: [Int64] = [0]
    var followingTagged: [Int64] = [0]
    for count in totals.counts {
      let mine = taggedByChannel[count.channelID] ?? (0, 0)
      channels.append(count.channelID)
      total.append(count.total)
      taggedCount.append(mine.tagged)
      followingTotal.append(count.lineFollowing)
      followingTagged.append(mine.following)
      total[0] += count.total
      taggedCount[0] += mine.tagged
      followingTotal[0] += count.lineFollowing
      followingTagged[0] += mine.following
    }
    try await pool.execute(
      """
      INSERT INTO coverage_daily AS d (organization_id, channel_id, day, state, total_contacts,
        tagged_contacts, following_total, following_tagged, failure_reason, computed_at)
      SELECT \(organizationID), c, \(day.description)::date, 'computed', t, g, ft, fg, NULL, now()
      FROM unnest(\(channels)::bigint[], \(total)::bigint[], \(taggedCount)::bigint[],
                  \(followingTotal)::bigint[], \(followingTagged)::bigint[]) AS u(c, t, g, ft, fg)
      ON CONFLICT (organization_id, channel_id, day) DO UPDATE SET state = 'computed',
        total_contacts = EXCLUDED.total_contacts, tagged_contacts = EXCLUDED.tagged_contacts,
        following_total = EXCLUDED.following_total, following_tagged = EXCLUDED.following_tagged,
        failure_reason = NULL, computed_at = EXCLUDED.computed_at
      """)
    // Contacts lists only channels that have contacts: a channel computed earlier today that
    // lost its last contact now has none (a real 0, not a failure).
    try await pool.execute(
      """
      UPDATE coverage_daily SET total_contacts = 0, tagged_contacts = 0, following_total = 0,
        following_tagged = 0, computed_at = now()
      WHERE organization_id = \(organizationID) AND day = \(day.description)::date
        AND state = 'computed' AND NOT (channel_id = ANY(\(channels)::bigint[]))
      """)
  }

  /// Records a failed computation of `day`; an earlier successful run of the day is kept.
  private func recordFailure(organizationID: Int64, day: CalendarDay, reason: String)
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
