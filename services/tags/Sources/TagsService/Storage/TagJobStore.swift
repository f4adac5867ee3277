import Foundation
import PostgresClient
import TagsDomain

/// One row of `tag_jobs`: a deleted-tag clean-up (T14) or a coverage recomputation (T21).
struct TagJobRecord: Sendable {
  enum Kind: String, Sendable {
    case tagCleanup = "tag_cleanup"
    case coverageRecompute = "coverage_recompute"
  }

  var id: Int64
  var organizationID: Int64
  var kind: Kind
  /// `pending`, `running`, `succeeded` or `failed`.
  var status: String
  var startDay: CalendarDay?
  var endDay: CalendarDay?
  var channelID: Int64
  var processed: Int64
  var errorMessage: String?
  var createdAt: Date
  var startedAt: Date?
  var finishedAt: Date?

  init(row: PostgresRow) throws {
    id = try row.decode("id", as: Int64.self)
    organizationID = try row.decode("organization_id", as: Int64.self)
    kind = Kind(rawValue: try row.decode("kind", as: String.self)) ?? .tagCleanup
    status = try row.decode("status", as: String.self)
    startDay = try row.decode("start_day", as: String?.self).flatMap(CalendarDay.init)
    endDay = try row.decode("end_day", as: String?.self).flatMap(CalendarDay.init)
    channelID = try row.decode("channel_id", as: Int64?.self) ?? 0
    processed = try row.decode("processed", as: Int64.self)
    errorMessage = try row.decode("error_message", as: String?.self)
    createdAt = try row.decode("created_at", as: Date.self)
    startedAt = try row.decode("started_at", as: Date?.self)
    finishedAt = try row.decode("finished_at", as: Date?.self)
  }
}

/// The tag manager's background jobs other than bulk tag jobs (`tag_jobs`): each has a real
/// id callers can follow (`DeleteTagResponse.job_id`, `BatchDeleteTagsResponse.job_id`,
/// `RecomputeTagCoverageResponse.job_id`).
struct TagJobStore: Sendable {
  static let columns = """
    id, organization_id, kind, status, to_char(start_day, 'YYYY-MM-DD') AS start_day,
    to_char(end_day, 'YYYY-MM-DD') AS end_day, channel_id, processed, error_message, created_at,
    started_at, finished_at
    """

  /// A new clean-up job for the tags about to be deleted in the caller's transaction.
  func insertCleanup(organizationID: Int64, on connection: PostgresConnection) async throws
    -> Int64
  {
    try await connection.query(
      """
      INSERT INTO tag_jobs (organization_id, kind, status, started_at)
      VALUES (\(organizationID), 'tag_cleanup', 'running', now()) RETURNING id
      """)[0].decode("id", as: Int64.self)
  }

  /// A new coverage recomputation of `range` for `channelID` (0 = all channels).
  func insertCoverage(
    organizationID: Int64, range: CoverageDateRange, channelID: Int64,
    on connection: PostgresConnection
  ) async throws -> Int64 {
    try await connection.query(
      """
      INSERT INTO tag_jobs (organization_id, kind, start_day, end_day, channel_id)
      VALUES (\(organizationID), 'coverage_recompute', \(range.start.description)::date,
        \(range.end.description)::date, \(channelID))
      RETURNING id
      """)[0].decode("id", as: Int64.self)
  }

  /// One job of the organization, or nil when unknown or another organization's.
  func fetch(_ id: Int64, organizationID: Int64, on connection: PostgresConnection) async throws
    -> TagJobRecord?
  {
    try await connection.query(
      """
      SELECT \(unescaped: Self.columns) FROM tag_jobs
      WHERE organization_id = \(organizationID) AND id = \(id)
      """
    ).first.map(TagJobRecord.init(row:))
  }

  /// Counts `removed` associations against the clean-up job of a deleted tag.
  func recordCleanup(
    _ key: TagKey, organizationID: Int64, removed: Int, on connection: PostgresConnection
  ) async throws {
    guard removed > 0 else { return }
    try await connection.execute(
      """
      UPDATE tag_jobs j SET processed = processed + \(Int64(removed))
      FROM tags t
      WHERE t.organization_id = \(organizationID) AND t.source = \(key.source.rawValue)
        AND t.id = \(key.id) AND j.id = t.cleanup_job_id
      """)
  }

  /// Marks succeeded every clean-up job none of whose tags still waits for clean-up.
  func finishCleanups(on connection: PostgresConnection) async throws {
    try await connection.execute(
      """
      UPDATE tag_jobs j SET status = 'succeeded', finished_at = now()
      WHERE j.kind = 'tag_cleanup' AND j.status IN ('pending', 'running')
        AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.organization_id = j.organization_id
          AND t.cleanup_job_id = j.id AND t.cleanup_pending)
      """)
  }
}
