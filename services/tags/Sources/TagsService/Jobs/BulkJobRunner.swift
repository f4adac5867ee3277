import Foundation
import Logging
import MAACContracts
import PostgresClient
import ServiceLifecycle
import TagsDomain

/// Runs bulk tag jobs in the background (T16–T18).
///
/// One organization's jobs run one at a time in submission order: a session advisory lock per
/// organization keeps a second runner (another process) away, and the domain scheduler picks
/// the job. Each batch commits its associations, counters, history, events and the job's
/// checkpoint (the last contact id done) in one transaction, so a runner stopped at any point
/// resumes after the last committed batch and never applies a batch twice.
struct BulkJobRunner: ServiceLifecycle.Service {
  /// Tuning of the runner.
  struct Settings: Sendable {
    /// Contacts per batch transaction.
    var batchSize = 10_000
    /// How often idle runners look for work.
    var pollInterval: Duration = .milliseconds(200)
    /// A pause between batches (tests use it to stop a job in the middle).
    var batchPause: Duration = .zero
  }

  let pool: PostgresPool
  let jobs: BulkJobStore
  let definitions: TagDefinitionStore
  let associations: AssociationStore
  /// Filters go to segment when it is configured (T16).
  let segments: SegmentTargets
  let settings: Settings
  let logger: Logger

  func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          try await runOnce()
        } catch is CancellationError {
          return
        } catch {
          logger.error("bulk job runner failed; retrying", metadata: ["error": "\(error)"])
        }
        try? await Task.sleep(for: settings.pollInterval)
      }
    }
  }

  /// Drives every organization that has waiting or running jobs.
  func runOnce() async throws {
    let rows = try await pool.query(
      "SELECT DISTINCT organization_id FROM bulk_jobs WHERE status IN ('pending', 'running')")
    for row in rows {
      try Task.checkCancellation()
      try await drive(organizationID: try row.decode("organization_id", as: Int64.self))
    }
  }

  private func drive(organizationID: Int64) async throws {
    try await pool.withConnection { connection in
      let lock = try await connection.query(
        "SELECT pg_try_advisory_lock(8132, hashtext(\(String(organizationID)))) AS ok")
      guard try lock[0].decode("ok", as: Bool.self) else { return }
      do {
        while let next = try await nextJob(organizationID: organizationID, on: connection) {
          try await run(jobID: next, organizationID: organizationID, on: connection)
        }
      } catch {
        _ = try? await connection.query(
          "SELECT pg_advisory_unlock(8132, hashtext(\(String(organizationID))))")
        throw error
      }
      _ = try await connection.query(
        "SELECT pg_advisory_unlock(8132, hashtext(\(String(organizationID))))")
    }
  }

  private func nextJob(organizationID: Int64, on connection: PostgresConnection) async throws
    -> Int64?
  {
    let rows = try await connection.query(
      """
      SELECT id, status, not_before FROM bulk_jobs
      WHERE organization_id = \(organizationID) AND status IN ('pending', 'running') ORDER BY id
      """)
    let queue = try rows.map { row in
      BulkJobScheduler.QueuedJob(
        id: try row.decode("id", as: Int64.self),
        status: BulkJobStatus(rawValue: try row.decode("status", as: String.self)) ?? .pending,
        notBefore: try row.decode("not_before", as: Date?.self))
    }
    if let running = queue.first(where: { $0.status == .running }) { return running.id }
    return BulkJobScheduler.nextToStart(among: queue, at: Date())
  }

  /// Runs (or resumes) one job to a terminal state, or until cancelled.
  func run(jobID: Int64, organizationID: Int64, on connection: PostgresConnection) async throws {
    try await connection.withTransaction { connection in
      guard
        var job = try await jobs.fetch(
          jobID, organizationID: organizationID, on: connection, lock: true),
        job.progress.status == .pending
      else { return }
      try job.progress.start(at: Date())
      try await jobs.save(job, on: connection)
    }
    try await resolve(jobID: jobID, organizationID: organizationID, on: connection)
    while true {
      try Task.checkCancellation()
      let finished = try await connection.withTransaction { connection in
        try await runBatch(jobID: jobID, organizationID: organizationID, on: connection)
      }
      if finished { return }
      if settings.batchPause > .zero { try await Task.sleep(for: settings.batchPause) }
    }
  }

  /// Resolves the target now, at execution time, never at submission (T16).
  private func resolve(jobID: Int64, organizationID: Int64, on connection: PostgresConnection)
    async throws
  {
    try await connection.withTransaction { connection in
      guard
        var job = try await jobs.fetch(
          jobID, organizationID: organizationID, on: connection, lock: true),
        job.progress.status == .running, !job.resolved
      else { return }
      let now = Date()
      var dataAsOf: Date? = now
      do {
        switch job.target.target {
        case .contactIds(let explicit)?:
          try await connection.execute(
            """
            INSERT INTO bulk_job_targets (job_id, contact_id)
            SELECT DISTINCT \(jobID)::bigint, c FROM unnest(\(explicit.contactIds)::bigint[]) AS c
            ON CONFLICT DO NOTHING
            """)
        case .filter(let filter)? where segments.isConfigured:
          // Segment evaluates (B4), once its projection has seen every earlier change: the
          // job's submission and the end of the organization's previous job (T16, T17).
          let previous = try await connection.query(
            """
            SELECT max(finished_at) AS at FROM bulk_jobs
            WHERE organization_id = \(organizationID) AND id < \(jobID)
            """)
          let minWatermark = max(
            job.createdAt, try previous.first?.decode("at", as: Date?.self) ?? job.createdAt)
          dataAsOf = try await segments.evaluate(
            filter, organizationID: organizationID, minWatermark: minWatermark,
            attempt: {
              try await connection.execute("DELETE FROM bulk_job_targets WHERE job_id = \(jobID)")
            },
            batch: { ids in
              try await connection.execute(
                """
                INSERT INTO bulk_job_targets (job_id, contact_id)
                SELECT \(jobID)::bigint, c FROM unnest(\(ids)::bigint[]) AS c
                ON CONFLICT DO NOTHING
                """)
            })
        case .filter(let filter)?:
          let tree = try TagFilter.parse(filter.tree, path: "target.filter.tree")
          var parameters: [(any PostgresEncodable)?] = [jobID, organizationID]
          let select = tree.sql(organizationParameter: "$2", parameters: &parameters)
          try await connection.execute(
            PostgresQuery(
              "INSERT INTO bulk_job_targets (job_id, contact_id) SELECT DISTINCT $1::bigint, f.contact_id FROM (\(select)) f ON CONFLICT DO NOTHING",
              parameters))
        case .segment(let segment)?:
          // The segment's latest snapshot, or a fresh one when asked (T16), read now.
          dataAsOf = try await segments.members(
            of: segment, organizationID: organizationID, freshAsOf: now,
            attempt: {
              try await connection.execute("DELETE FROM bulk_job_targets WHERE job_id = \(jobID)")
            },
            batch: { ids in
              try await connection.execute(
                """
                INSERT INTO bulk_job_targets (job_id, contact_id)
                SELECT \(jobID)::bigint, c FROM unnest(\(ids)::bigint[]) AS c
                ON CONFLICT DO NOTHING
                """)
            })
        case nil:
          throw TargetResolutionFailure(
            reason: "TARGET_RESOLUTION_FAILED", message: "target: the job has no target")
        }
      } catch let failure as TargetResolutionFailure {
        try await connection.execute("DELETE FROM bulk_job_targets WHERE job_id = \(jobID)")
        try job.progress.fail(reason: failure.reason, message: failure.message, at: Date())
        try await jobs.save(job, on: connection)
        return
      }
      let count = try await connection.query(
        "SELECT count(*) AS n FROM bulk_job_targets WHERE job_id = \(jobID)")[0].decode(
          "n", as: Int64.self)
      try job.progress.resolved(matched: count, evaluatedAt: now, dataAsOf: dataAsOf)
      job.resolved = true
      try await jobs.save(job, on: connection)
    }
  }

  /// Applies the next batch after the checkpoint; true when the job is finished.
  private func runBatch(jobID: Int64, organizationID: Int64, on connection: PostgresConnection)
    async throws -> Bool
  {
    guard
      var job = try await jobs.fetch(
        jobID, organizationID: organizationID, on: connection, lock: true)
    else {
      return true
    }
    guard job.progress.status == .running else { return true }
    let now = Date()
    if job.progress.failIfTimedOut(at: now) {
      try await jobs.save(job, on: connection)
      return true
    }
    let after = job.checkpoint ?? Int64.min
    let ref = TagRef(kind: "bulk_job", id: String(jobID))
    var counts = BulkBatchCounts()
    let records = try await definitions.fetch(
      job.tags, organizationID: organizationID, includeDeleted: false, on: connection)
    // A tag deleted (or expired) after submission skips its pairs instead of failing the job.
    let live = job.tags.compactMap { key -> TagRecord? in
      guard let record = records[key],
        !(job.action == .add && record.definition.expiry.tagIsExpired(at: now))
      else { return nil }
      return record
    }
    var batchSize = 0
    var last: Int64?
    if job.action == .add, !live.isEmpty {
      // Each statement reads the batch from bulk_job_targets itself (set-based, T16).
      for record in live {
        let batch = try await associations.attach(
          record, input: .jobBatch(jobID: jobID, after: after, limit: settings.batchSize),
          taggedVia: .bulkUpdate, ref: ref, occurredAt: now, now: now, idempotencyKey: nil,
          on: connection)
        batchSize = batch.inputCount
        last = batch.lastContactID
        for row in batch.applied {
          if row.outcome == .attached { counts.affected += 1 } else { counts.unchanged += 1 }
        }
        // Contacts deleted meanwhile (T25) are skipped.
        counts.skipped += Int64(batch.inputCount - batch.applied.count)
      }
    } else {
      let rows = try await connection.query(
        """
        SELECT contact_id FROM bulk_job_targets
        WHERE job_id = \(jobID) AND contact_id > \(after)
        ORDER BY contact_id LIMIT \(Int64(settings.batchSize))
        """)
      let batch = try rows.map { try $0.decode("contact_id", as: Int64.self) }
      batchSize = batch.count
      last = batch.last
      if !batch.isEmpty {
        for record in live {
          let removed = try await associations.detach(
            record, from: batch, reason: .bulkUpdate, ref: ref, now: now, idempotencyKey: nil,
            on: connection)
          for row in removed {
            if row.outcome == .detached { counts.affected += 1 } else { counts.unchanged += 1 }
          }
        }
      }
    }
    guard let last, batchSize > 0 else {
      try job.progress.succeed(at: now)
      try await jobs.save(job, on: connection)
      return true
    }
    counts.skipped += Int64(batchSize) * Int64(job.tags.count - live.count)
    try job.progress.record(counts)
    job.checkpoint = last
    try await jobs.save(job, on: connection)
    return false
  }
}
