import CDHDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit

/// What a job row needs to know about its scope when it is enqueued.
struct ScopeSnapshot: Sendable {
  var settingsVersion: Int64
  var organizationID: Int64?
}

/// A run stored by ``CDHRuntime/enqueueRun(scopeIDs:scopes:trigger:organizationID:broadcastAll:on:)``.
struct EnqueuedRun: Sendable {
  /// The run's lead job id (0: nothing enqueued).
  var runID: Int64
  /// Lead ids of the runs it replaced; they stop at their next batch boundary (U20).
  var superseded: [Int64]
  /// Each scope's job row.
  var jobIDs: [Int64: Int64] = [:]
}

/// One scope's job row inside a run.
struct RunRow: Sendable {
  var job: ReunifyJob
  var organizationID: Int64
}

extension CDHRuntime {
  // MARK: Enqueueing (U6, U20)

  /// Every scope's settings version and first organization, taken under the lock for the job
  /// rows the operation's transaction stores.
  static func scopeSnapshot(_ engine: UnificationEngine) -> [Int64: ScopeSnapshot] {
    engine.scopes.mapValues {
      ScopeSnapshot(settingsVersion: $0.settingsVersion, organizationID: $0.orgs.first?.orgID)
    }
  }

  /// Stores one run over `scopeIDs`: a pending job row per scope, the first one leading the
  /// run (U6: one run regroups every scope a change touched, because profiles may span them).
  /// Every active run of these scopes is superseded (U20, newest wins) and its scopes join
  /// the new run: their profiles may still span the scopes it had not finished.
  static func enqueueRun(
    scopeIDs: [Int64], scopes: [Int64: ScopeSnapshot], trigger: ReunifyTrigger,
    organizationID: Int64, broadcastAll: Bool = false, on connection: PostgresConnection
  ) async throws -> EnqueuedRun {
    let replaced = try await connection.query(
      """
      UPDATE reunify_job SET status = 'superseded', finished_at = now()
      WHERE coalesce(run_id, job_id) IN (
          SELECT coalesce(run_id, job_id) FROM reunify_job
          WHERE unify_scope_id = ANY(\(scopeIDs)::bigint[]) AND status IN ('pending', 'running'))
        AND status IN ('pending', 'running')
      RETURNING unify_scope_id, coalesce(run_id, job_id) AS run
      """)
    var runScopes = scopeIDs
    var superseded: [Int64] = []
    for row in replaced {
      let scopeID = try row.decode("unify_scope_id", as: Int64.self)
      let run = try row.decode("run", as: Int64.self)
      if !runScopes.contains(scopeID) { runScopes.append(scopeID) }
      if !superseded.contains(run) { superseded.append(run) }
    }
    var lead: Int64?
    var jobIDs: [Int64: Int64] = [:]
    for scopeID in runScopes {
      let scope = scopes[scopeID]
      let rows = try await connection.query(
        """
        INSERT INTO reunify_job (unify_scope_id, organization_id, trigger, settings_version,
                                 broadcast_all, status, run_id)
        VALUES (\(scopeID), \(scope?.organizationID ?? organizationID), \(trigger.rawValue),
                \(scope?.settingsVersion ?? 0), \(broadcastAll), 'pending', \(lead))
        RETURNING job_id
        """)
      let jobID = try rows[0].decode("job_id", as: Int64.self)
      if lead == nil { lead = jobID }
      jobIDs[scopeID] = jobID
    }
    return EnqueuedRun(runID: lead ?? 0, superseded: superseded, jobIDs: jobIDs)
  }

  /// Starts an enqueued run in the background once its transaction committed.
  func launch(_ run: EnqueuedRun) {
    cancelledJobs.formUnion(run.superseded)
    guard run.runID != 0 else { return }
    let runID = run.runID
    spawn { [self] in await self.runJob(runID) }
  }

  /// Scope changes (U6): the operation rewrites the scope ids of the moved orgs' entities
  /// and the scopes' org lists in one transaction that also enqueues one run over every
  /// scope that gained or lost orgs; the call returns then, and the run regroups them in
  /// batches in the background (U18), their merge state "not finished" until it ends (U7).
  func changeScopes(
    caller: OrgRef, trigger: ReunifyTrigger, actor: Actor,
    _ operation:
      @escaping @Sendable (inout UnificationEngine, Instant) throws(DomainError) -> (
        [Int64], EngineChanges
      )
  ) async throws -> [Int64] {
    let outbox = self.outbox
    let (change, run) = try await perform(
      buildEvents: false,
      { engine, now in
        let keysBefore = engine.scopes.mapValues(\.keys)
        let (affected, changes) = try operation(&engine, now)
        let settings = affected.compactMap { engine.scopes[$0] }.map {
          ($0, keysBefore[$0.id] ?? $0.keys)
        }
        return (
          ScopeChange(affected: affected, scopes: Self.scopeSnapshot(engine), settings: settings),
          changes, []
        )
      },
      extra: { connection, change in
        let run = try await Self.enqueueRun(
          scopeIDs: change.affected, scopes: change.scopes, trigger: trigger,
          organizationID: caller.orgID, on: connection)
        // U6: every scope that gained or lost orgs announces its settings with its job.
        try await outbox.append(
          change.settings.map { scope, previousKeys in
            Self.settingsEvent(
              scope, previousKeys: previousKeys, jobID: run.jobIDs[scope.id] ?? run.runID,
              actor: actor, organizationID: scope.orgs.first?.orgID ?? caller.orgID)
          }, on: connection)
        return run
      })
    launch(run)
    return change.affected
  }

  /// What a scope change did, captured under the lock for its transaction.
  struct ScopeChange: Sendable {
    var affected: [Int64]
    var scopes: [Int64: ScopeSnapshot]
    /// The affected scopes after the change, with their keys before it.
    var settings: [(UnifyScope, UnifyKeySet)]
  }

  /// `ResyncScope`: a job re-running the scope's unification, optionally re-broadcasting all.
  func resync(scopeID: Int64, broadcastAll: Bool, organizationID: Int64) async throws -> Int64 {
    guard engine.scopes[scopeID] != nil else {
      throw ServiceError(.notFound, "unify scope not found", field: "unify_scope_id")
    }
    // Under the lock like every other enqueue: no batch of the run it replaces is in flight.
    let (_, run) = try await perform(
      buildEvents: false,
      { engine, _ in (Self.scopeSnapshot(engine), EngineChanges(), []) },
      extra: { connection, scopes in
        try await Self.enqueueRun(
          scopeIDs: [scopeID], scopes: scopes, trigger: .adminResync,
          organizationID: organizationID, broadcastAll: broadcastAll, on: connection)
      })
    // The replaced run keeps its settings version: it is told to stop (U20).
    launch(run)
    return run.runID
  }

  // MARK: Reading jobs

  func jobs(scopeID: Int64) async throws -> [ReunifyJob] {
    try await pool.query(
      """
      SELECT job_id, unify_scope_id, trigger, settings_version, broadcast_all, status, total_entities,
             processed_entities, influenced_entities, batches_published, error, created_at, started_at,
             finished_at
      FROM reunify_job WHERE unify_scope_id = \(scopeID) ORDER BY job_id DESC LIMIT 20
      """
    ).map(Self.job)
  }

  static func job(_ row: PostgresRow) throws -> ReunifyJob {
    var job = ReunifyJob(
      id: try row.decode("job_id", as: Int64.self),
      scopeID: try row.decode("unify_scope_id", as: Int64.self),
      trigger: ReunifyTrigger(rawValue: try row.decode("trigger", as: String.self))
        ?? .settingsChange,
      settingsVersion: try row.decode("settings_version", as: Int64.self),
      broadcastAll: try row.decode("broadcast_all", as: Bool.self),
      createdAt: Instant(try row.decode("created_at", as: Date.self)))
    job.status = ReunifyJobStatus(rawValue: try row.decode("status", as: String.self)) ?? .failed
    job.totalEntities = try row.decode("total_entities", as: Int64.self)
    job.processedEntities = try row.decode("processed_entities", as: Int64.self)
    job.influencedEntities = try row.decode("influenced_entities", as: Int64.self)
    job.batchesPublished = try row.decode("batches_published", as: Int64.self)
    job.error = try row.decode("error", as: String?.self)
    job.startedAt = try row.decode("started_at", as: Date?.self).map(Instant.init)
    job.finishedAt = try row.decode("finished_at", as: Date?.self).map(Instant.init)
    return job
  }

  static func jobEvent(_ job: ReunifyJob, organizationID: Int64) -> OutboundEvent {
    var event = Maac_Cdh_V1_ReunifyJobChanged()
    event.eventID = job.id
    event.jobID = job.id
    event.unifyScopeID = job.scopeID
    event.status = ContractMapping.jobStatus(job.status)
    event.processedEntities = job.processedEntities
    event.totalEntities = job.totalEntities
    return OutboundEvent(
      eventType: OutboundEventBuilder.reunifyJobType, organizationID: organizationID, payload: event
    )
  }

  /// `cdh.reunify_job.v1` for every row of a run, with the run's progress.
  static func jobEvents(_ rows: [RunRow], status: ReunifyJobStatus, of run: ReunifyRun?)
    -> [OutboundEvent]
  {
    rows.map { row in
      var job = row.job
      job.status = status
      if let run {
        job.totalEntities = Int64(run.totalEntities)
        job.processedEntities = Int64(run.processedEntities)
        job.influencedEntities = Int64(run.influencedEntities)
      }
      return jobEvent(job, organizationID: row.organizationID)
    }
  }

  /// A batch's `cdh.contact_profile.v1` messages: each scope's profiles under its own job
  /// row (U18 metadata `unify_scope_id`, `job_id`); the final batch ends every scope that
  /// still has orgs with its last message, an empty one if nothing of it was influenced.
  static func runProfileEvents(
    _ items: [ProfileBroadcastItem], rows: [RunRow], engine: UnificationEngine, now: Instant,
    type: ProfileBroadcastType, finalBatch: Bool
  ) -> [OutboundEvent] {
    if rows.count == 1 {
      return OutboundEventBuilder.profileEvents(
        items, engine: engine, now: now, jobID: rows[0].job.id, scopeID: rows[0].job.scopeID,
        type: type, finalJobBatch: finalBatch)
    }
    var byScope = Dictionary(grouping: items, by: \.scopeID)
    var events: [OutboundEvent] = []
    for row in rows {
      let scopeID = row.job.scopeID
      let scopeItems = byScope.removeValue(forKey: scopeID) ?? []
      let hasOrgs = engine.scopes[scopeID]?.orgs.isEmpty == false
      guard !scopeItems.isEmpty || (finalBatch && hasOrgs) else { continue }
      events += OutboundEventBuilder.profileEvents(
        scopeItems, engine: engine, now: now, jobID: row.job.id, scopeID: scopeID, type: type,
        finalJobBatch: finalBatch)
    }
    // Profiles of a scope outside the run (not expected: profiles span only the run's scopes)
    // still go out, under the lead job and never as a last batch.
    let rest = byScope.values.flatMap { $0 }
    if !rest.isEmpty {
      events += OutboundEventBuilder.profileEvents(
        rest, engine: engine, now: now, jobID: rows[0].job.id, type: type, finalJobBatch: false)
    }
    return events
  }

  // MARK: Running (U18, U20)

  /// What one locked step of a job did.
  enum JobStep: Sendable {
    /// Newer settings exist: the job stopped at this boundary (U20).
    case superseded
    case applied(ReunifyRun)
  }

  /// Runs one re-unification run (U18) over the scopes of its job rows, in batches of
  /// ``CDHRuntimeOptions/jobBatchSize`` entities, each one locked engine step and one
  /// transaction (rows, audit, profile events, progress of every row). Before every step the
  /// run checks each scope's settings version: newer settings (or a scope change) stop it at
  /// that boundary as `superseded` (U20), and the newer run starts from the state the applied
  /// batches left. Only the final batch of a completed run sends `is_last_batch = true` and
  /// moves the merge state of its scopes to finished (U7).
  func runJob(_ runID: Int64) async {
    do {
      let rows = try await pool.query(
        """
        SELECT job_id, unify_scope_id, organization_id, trigger, settings_version, broadcast_all, status,
               total_entities, processed_entities, influenced_entities, batches_published, error,
               created_at, started_at, finished_at
        FROM reunify_job WHERE job_id = \(runID) OR run_id = \(runID) ORDER BY job_id
        """)
      let runRows = try rows.map {
        RunRow(
          job: try Self.job($0), organizationID: try $0.decode("organization_id", as: Int64.self))
      }.filter { $0.job.status.isActive }
      guard let lead = runRows.first, lead.job.id == runID else { return }
      let scopeIDs = runRows.map(\.job.scopeID)
      let broadcastAll = lead.job.broadcastAll
      let type: ProfileBroadcastType =
        lead.job.trigger == .adminResync ? .adminResync : .unifyScopeSettingUpdate
      let batchSize = options.jobBatchSize
      let current: @Sendable (UnificationEngine) -> Bool = { engine in
        runRows.allSatisfy { row in
          !ReunifyJobPlanner.isSuperseded(
            row.job, currentSettingsVersion: engine.scopes[row.job.scopeID]?.settingsVersion ?? 0)
        }
      }
      await options.beforeJobBatch?(runID, 0)
      if cancelledJobs.remove(runID) != nil { return }
      // The plan: new keys applied to the graphs, components computed (U18 steps 1-3).
      let step = try await perform(
        buildEvents: false,
        { engine, _ in
          guard current(engine) else { return (JobStep.superseded, EngineChanges(), []) }
          var run = engine.beginReunify(scopeIDs: scopeIDs, batchSize: batchSize)
          // Profiles a scope change left untouched take their members' new scope.
          let adopted = engine.adoptScopes(of: run)
          run.lastOperation = engine.operationCount
          return (.applied(run), adopted, Self.jobEvents(runRows, status: .running, of: nil))
        },
        extra: { connection, step in
          try await Self.recordStep(step, runID: runID, starting: true, on: connection)
        }
      ).0
      try await runBatches(
        from: step, jobID: runID, current: current,
        { run, engine, now in
          var next = run
          if engine.operationCount != run.lastOperation + 1 { next.revalidating = true }
          let changes = engine.applyNextBatch(
            of: &next, revalidate: next.revalidating,
            broadcastAll: broadcastAll, type: type, correlationID: "job:\(runID)", now: now)
          next.lastOperation = engine.operationCount
          var events = Self.runProfileEvents(
            changes.profileItems, rows: runRows, engine: engine, now: now, type: type,
            finalBatch: next.isFinished)
          let batches = events.count
          events += OutboundEventBuilder.tagEvents(changes.tagItems, engine: engine, now: now)
          if next.isFinished {
            events += Self.jobEvents(runRows, status: .completed, of: next)
          }
          next.publishedMessages += batches
          return (.applied(next), changes, events)
        })
    } catch {
      logger.error(
        "re-unification job failed", metadata: ["job_id": "\(runID)", "error": "\(error)"])
      _ = try? await pool.execute(
        "UPDATE reunify_job SET status = 'failed', finished_at = now(), error = \(String(describing: error)) WHERE (job_id = \(runID) OR run_id = \(runID)) AND status IN ('pending', 'running')"
      )
    }
  }

  /// The batches of a job, pipelined: while batch N's transaction commits, the engine
  /// computes batch N+1 under the lock, and N+1 is written only after N committed, so rows
  /// still reach the schema in engine order and each batch is one transaction (a crash
  /// leaves every batch applied or not; the job resumes from the schema, U20).
  ///
  /// The lock is released at a batch boundary, with nothing in flight, whenever another
  /// mutation waits for it (or a test hook wants every boundary): real-time events wait for
  /// at most one batch as before, and newer settings stop the job there (U20).
  func runBatches(
    from first: JobStep, jobID: Int64, current: @escaping @Sendable (UnificationEngine) -> Bool,
    _ apply:
      @escaping @Sendable (ReunifyRun, inout UnificationEngine, Instant) -> (
        JobStep, EngineChanges, [OutboundEvent]
      )
  ) async throws {
    var step = first
    var batch = 0
    var holding = false
    var inFlight: Task<Void, any Error>?
    do {
      while case .applied(let run) = step, !run.isFinished {
        batch += 1
        if !holding {
          await options.beforeJobBatch?(jobID, batch)
          // A resync replaced this job (same settings version): its row is already superseded.
          if cancelledJobs.remove(jobID) != nil { return }
          await acquire()
          holding = true
        }
        if cancelledJobs.remove(jobID) != nil { break }
        let (next, work) = try prepareOperation(
          buildEvents: false,
          { engine, now in
            guard current(engine) else { return (JobStep.superseded, EngineChanges(), []) }
            return apply(run, &engine, now)
          },
          extra: { connection, step in
            try await Self.recordStep(step, runID: jobID, starting: false, on: connection)
          })
        step = next
        if let previous = inFlight {
          inFlight = nil
          try await previous.value
        }
        let pool = self.pool
        inFlight = Task.detached { try await pool.withTransaction(work) }
        var atEnd = true
        if case .applied(let run) = step, !run.isFinished { atEnd = false }
        if atEnd || lockWanted || options.beforeJobBatch != nil {
          let pending = inFlight
          inFlight = nil
          try await pending?.value
          release()
          holding = false
        }
      }
      if let pending = inFlight {
        inFlight = nil
        try await pending.value
      }
      if holding {
        release()
        holding = false
      }
    } catch {
      // Let a write still in flight finish before the engine is rebuilt from the schema.
      if let pending = inFlight { _ = try? await pending.value }
      if holding {
        await reloadAfterFailedWrite(error)
        release()
      }
      throw error
    }
  }

  /// Records a run's step on all its rows (they share the run's figures), in the step's
  /// transaction.
  static func recordStep(
    _ step: JobStep, runID: Int64, starting: Bool, on connection: PostgresConnection
  ) async throws {
    switch step {
    case .superseded:
      _ = try await connection.execute(
        """
        UPDATE reunify_job SET status = 'superseded', finished_at = now()
        WHERE (job_id = \(runID) OR run_id = \(runID)) AND status IN ('pending', 'running')
        """)
    case .applied(let run):
      let status = run.isFinished ? "completed" : "running"
      _ = try await connection.execute(
        """
        UPDATE reunify_job SET status = \(status),
          started_at = CASE WHEN \(starting) THEN now() ELSE started_at END,
          finished_at = CASE WHEN \(run.isFinished) THEN now() ELSE NULL END,
          total_entities = \(Int64(run.totalEntities)),
          processed_entities = \(Int64(run.processedEntities)),
          influenced_entities = \(Int64(run.influencedEntities)),
          batches_published = \(Int64(run.publishedMessages))
        WHERE (job_id = \(runID) OR run_id = \(runID)) AND status IN ('pending', 'running')
        """)
    }
  }
}
