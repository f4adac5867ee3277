import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf
import TagsDomain

/// Bulk tag jobs (`bulk_jobs`, `bulk_job_targets`).
struct BulkJobStore: Sendable {
  let pool: PostgresPool
  let outbox: Outbox

  func fetch(
    _ id: Int64, organizationID: Int64, on connection: PostgresConnection, lock: Bool = false
  )
    async throws -> BulkJobRecord?
  {
    let rows = try await connection.query(
      """
      SELECT * FROM bulk_jobs WHERE organization_id = \(organizationID) AND id = \(id)
      \(unescaped: lock ? "FOR UPDATE" : "")
      """)
    return try rows.first.map(BulkJobRecord.init(row:))
  }

  func notFound(_ id: Int64) -> TagRuleViolation {
    TagRuleViolation(
      .notFound, reason: "JOB_NOT_FOUND", field: "job_id", message: "bulk tag job \(id) not found")
  }

  /// Inserts a validated job as `pending`.
  func insert(
    request: BulkTagJobRequest, target: Maac_Tags_V1_BulkTagTarget, organizationID: Int64,
    notBefore: Date?, previewCount: Int64?, createdBy: String, on connection: PostgresConnection
  ) async throws -> BulkJobRecord {
    let rows = try await connection.query(
      """
      INSERT INTO bulk_jobs (organization_id, action, tag_sources, tag_ids, target, not_before,
        submitted_preview_count, warnings, created_by)
      VALUES (\(organizationID), \(request.action.rawValue), \(request.tags.map(\.source.rawValue)),
        \(request.tags.map(\.id)), \(try target.serializedData()), \(notBefore), \(previewCount),
        \(request.submissionWarnings.map(\.rawValue)), \(createdBy))
      RETURNING *
      """)
    return try BulkJobRecord(row: rows[0])
  }

  func pendingCount(organizationID: Int64, on connection: PostgresConnection) async throws -> Int {
    let rows = try await connection.query(
      "SELECT count(*) AS n FROM bulk_jobs WHERE organization_id = \(organizationID) AND status = 'pending'"
    )
    return Int(try rows[0].decode("n", as: Int64.self))
  }

  /// Writes status, counters and timestamps of `job`.
  func save(_ job: BulkJobRecord, on connection: PostgresConnection) async throws {
    let progress = job.progress
    try await connection.execute(
      """
      UPDATE bulk_jobs SET status = \(progress.status.rawValue),
        matched_count = \(progress.matchedCount), affected_count = \(progress.affectedCount),
        unchanged_count = \(progress.unchangedCount), skipped_count = \(progress.skippedCount),
        warnings = \(progress.warnings.map(\.rawValue)), error_reason = \(progress.errorReason),
        error_message = \(progress.errorMessage), started_at = \(progress.startedAt),
        evaluated_at = \(progress.evaluatedAt), data_as_of = \(progress.dataAsOf),
        finished_at = \(progress.finishedAt), checkpoint = \(job.checkpoint), resolved = \(job.resolved)
      WHERE organization_id = \(job.organizationID) AND id = \(job.id)
      """)
    if progress.status.isTerminal {
      try await outbox.append([job.finishedEvent], on: connection)
    }
  }

  /// Jobs of an organization, newest first, keyset-paged by id.
  func list(
    organizationID: Int64, status: BulkJobStatus?, before: Int64?, limit: Int,
    on connection: PostgresConnection
  ) async throws -> [BulkJobRecord] {
    let rows = try await connection.query(
      """
      SELECT * FROM bulk_jobs WHERE organization_id = \(organizationID)
        AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
        AND (\(before)::bigint IS NULL OR id < \(before))
      ORDER BY id DESC LIMIT \(Int64(limit))
      """)
    return try rows.map(BulkJobRecord.init(row:))
  }
}
