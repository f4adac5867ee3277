import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import TagsDomain

/// Runs `RecomputeTagCoverage` jobs (T21) in the background, so a long range never blocks the
/// RPC: each day of the job is computed in turn — past days as of their end from the tag
/// manager's own data (``CoverageCalculator/computePast(organizationID:day:channelID:zone:)``),
/// the current day from contacts' totals — and `processed` counts the days done. A job whose
/// day fails is `failed` with the reason; the days it did compute stay computed, and the
/// failing day reads `missing`, never 0.
struct CoverageJobRunner: ServiceLifecycle.Service {
  let pool: PostgresPool
  let coverage: CoverageCalculator
  var pollInterval: Duration = .milliseconds(200)
  let logger: Logger

  func run() async throws {
    // A job left running by a stopped process starts over (recomputing a day is idempotent).
    _ = try? await pool.execute(
      "UPDATE tag_jobs SET status = 'pending' WHERE kind = 'coverage_recompute' AND status = 'running'"
    )
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          while try await runNext() {}
        } catch is CancellationError {
          return
        } catch {
          logger.error("coverage job runner failed; retrying", metadata: ["error": "\(error)"])
        }
        try? await Task.sleep(for: pollInterval)
      }
    }
  }

  /// Claims and runs the oldest waiting job; false when there is none.
  func runNext() async throws -> Bool {
    let claimed = try await pool.withTransaction { connection -> TagJobRecord? in
      let rows = try await connection.query(
        """
        UPDATE tag_jobs SET status = 'running', started_at = now()
        WHERE id = (SELECT id FROM tag_jobs WHERE kind = 'coverage_recompute'
            AND status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING \(unescaped: TagJobStore.columns)
        """)
      return try rows.first.map(TagJobRecord.init(row:))
    }
    guard let claimed else { return false }
    try await run(claimed)
    return true
  }

  private func run(_ job: TagJobRecord) async throws {
    guard let start = job.startDay, let end = job.endDay,
      let range = try? CoverageDateRange(start: start.description, end: end.description)
    else {
      try await finish(job.id, error: "the job names no valid date range")
      return
    }
    let zone = await coverage.timeZone(organizationID: job.organizationID)
    let today = CalendarDay(containing: Date(), in: zone)
    for day in range.days where day <= today {
      try Task.checkCancellation()
      do {
        if day == today {
          _ = try await coverage.computeToday(organizationID: job.organizationID)
        } else {
          try await coverage.computePast(
            organizationID: job.organizationID, day: day, channelID: job.channelID, zone: zone)
        }
      } catch is CancellationError {
        throw CancellationError()
      } catch {
        try await finish(job.id, error: "coverage of \(day) failed: \(error)")
        return
      }
      try await pool.execute("UPDATE tag_jobs SET processed = processed + 1 WHERE id = \(job.id)")
    }
    try await finish(job.id, error: nil)
  }

  private func finish(_ id: Int64, error: String?) async throws {
    try await pool.execute(
      """
      UPDATE tag_jobs SET status = \(error == nil ? "succeeded" : "failed"),
        error_message = \(error), finished_at = now()
      WHERE id = \(id)
      """)
  }
}
