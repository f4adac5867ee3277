import CDHDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit

extension CDHRuntime {
  // MARK: Inbound events (§5.3)

  /// Applies one contacts event inside the consumer's transaction (U15, U16, U42, U43).
  func applyContactEvent(
    _ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection
  )
    async throws
  {
    guard let event = try InboundEventTranslator.entityEvent(envelope) else { return }
    try await admit(envelope.organizationID)
    _ = try await perform(on: connection) { engine, now in
      ((), engine.apply(event, now: now), [])
    }
  }

  /// Applies one tags event inside the consumer's transaction (U35, U38).
  func applyTagEvent(_ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection)
    async throws
  {
    guard let change = try InboundEventTranslator.tagChange(envelope) else { return }
    try await admit(envelope.organizationID)
    switch change {
    case .association(let event):
      _ = try await perform(on: connection) { engine, now in ((), engine.apply(event, now: now), [])
      }
    case .deleted(let tag, let org):
      let store = self.store
      _ = try await perform(
        on: connection, { engine, now in ((), engine.deleteTag(tag, org: org, now: now), []) },
        extra: { connection, _ in try await store.saveDeletedTag(tag, org: org, on: connection) })
    }
  }

  /// Applies one admin center event inside the consumer's transaction (U1, U6, U12).
  func applyAdminEvent(_ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection)
    async throws
  {
    guard let info = try InboundEventTranslator.organization(envelope) else { return }
    _ = try await perform(on: connection) { engine, now in
      ((), engine.updateOrganization(info, now: now), [])
    }
    // A created or re-enabled organization is admitted at once, not after the cache expires.
    options.organizationGate?.invalidate(info.org.orgID)
  }

  /// Refuses an organization admin center does not know (issue #9): the consumer retries,
  /// then parks the event as a dead letter; nothing is provisioned for it.
  func admit(_ organizationID: Int64) async throws {
    guard let gate = options.organizationGate else { return }
    try await gate.admit(organizationID)
  }

  // MARK: Access

  /// The scope of the caller's org (provisioned on first sight, U1) or a scope that contains
  /// it; another org's scope is NOT_FOUND.
  func resolveScope(_ scopeID: Int64, caller: OrgRef) async throws -> Int64 {
    if scopeID == 0 {
      if let known = engine.orgScope[caller] { return known }
      return try await perform { engine, now in
        (engine.ensureScope(for: caller, now: now), EngineChanges(), [])
      }
    }
    guard let scope = engine.scopes[scopeID], scope.orgs.contains(caller) else {
      throw ServiceError(.notFound, "unify scope not found", field: "unify_scope_id")
    }
    return scope.id
  }

  /// A live member visible to the caller: its scope contains the caller's org.
  func visibleMember(_ member: MemberRef, caller: OrgRef) throws -> ChannelEntity {
    guard let entity = engine.liveEntity(member),
      engine.scopes[entity.scopeID]?.orgs.contains(caller) == true
    else { throw ServiceError(.notFound, "member not found", field: "member") }
    return entity
  }

  // MARK: Settings and jobs (U2–U7, U18, U20)

  /// `UpdateUnifyKeys` (U2–U5, U20): stores the keys and starts a job (its id, 0 when
  /// nothing changed). `scopeID` 0 addresses the caller's own scope (org-level).
  public func updateKeys(
    caller: OrgRef, scopeID requested: Int64, keys: [UnifyKeySet.Requested],
    expectedVersion: Int64 = 0, actor: Actor
  ) async throws -> (UnifyScope.KeyUpdate, Int64) {
    let keySet: UnifyKeySet
    do { keySet = try UnifyKeySet.validate(keys) } catch let error as DomainError {
      throw ContractMapping.serviceError(error)
    }
    let scopeID = try await resolveScope(requested, caller: caller)
    let target: UnifyScope.UpdateTarget = requested == 0 ? .org : .scope
    let outbox = self.outbox
    let (update, jobID) = try await perform(
      { engine, now in
        let (update, changes) = try engine.updateKeys(
          scopeID: scopeID, keys: keySet, target: target, expectedSettingsVersion: expectedVersion,
          actor: actor, now: now)
        return (update, changes, [])
      },
      extra: { connection, update in
        guard update.changed else { return Int64(0) }
        _ = try await connection.execute(
          """
          UPDATE reunify_job SET status = 'superseded', finished_at = now()
          WHERE unify_scope_id = \(scopeID) AND status IN ('pending', 'running')
          """)
        let rows = try await connection.query(
          """
          INSERT INTO reunify_job (unify_scope_id, organization_id, trigger, settings_version, status)
          VALUES (\(scopeID), \(caller.orgID), 'settings_change', \(update.scope.settingsVersion), 'pending')
          RETURNING job_id
          """)
        let jobID = try rows[0].decode("job_id", as: Int64.self)
        var event = Maac_Cdh_V1_UnifySettingsChanged()
        event.eventID = jobID
        event.occurredAt = ContractMapping.timestamp(update.scope.updatedAt)
        event.unifyScopeID = scopeID
        event.orgs = update.scope.orgs.map { org in
          .with {
            $0.orgID = org.orgID
            $0.source = ContractMapping.tagSource(org.source)
          }
        }
        event.unifyKeys = ContractMapping.keys(update.scope.keys)
        event.previousUnifyKeys = ContractMapping.keys(update.previousKeys)
        event.settingsVersion = update.scope.settingsVersion
        event.jobID = jobID
        event.actor = .with {
          $0.type = actor.type
          $0.id = actor.id
        }
        try await outbox.append(
          OutboundEvent(
            eventType: OutboundEventBuilder.unifySettingsType, organizationID: caller.orgID,
            payload: event),
          on: connection)
        return jobID
      })
    if jobID != 0 { spawn { [self] in await self.runJob(jobID) } }
    return (update, jobID)
  }

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

  /// What one locked step of a job did.
  enum JobStep: Sendable {
    /// Newer settings exist: the job stopped at this boundary (U20).
    case superseded
    case applied(ReunifyRun)
  }

  /// Runs one re-unification job (U18) in batches of ``CDHRuntimeOptions/jobBatchSize``
  /// entities, each one locked engine step and one transaction (rows, audit, profile events,
  /// progress). Before every step the job checks the scope's settings version: newer
  /// settings (or a scope change) stop it at that boundary as `superseded` (U20), and the
  /// newer job starts from the state the applied batches left. Only the final batch of a
  /// completed job sends `is_last_batch = true` and moves the merge state to finished (U7).
  func runJob(_ jobID: Int64) async {
    do {
      let rows = try await pool.query(
        """
        SELECT job_id, unify_scope_id, organization_id, trigger, settings_version, broadcast_all, status,
               total_entities, processed_entities, influenced_entities, batches_published, error,
               created_at, started_at, finished_at
        FROM reunify_job WHERE job_id = \(jobID)
        """)
      guard let row = rows.first else { return }
      let job = try Self.job(row)
      let organizationID = try row.decode("organization_id", as: Int64.self)
      guard job.status.isActive else { return }
      let scopeID = job.scopeID
      let broadcastAll = job.broadcastAll
      let type: ProfileBroadcastType =
        job.trigger == .adminResync ? .adminResync : .unifyScopeSettingUpdate
      let batchSize = options.jobBatchSize
      let current: @Sendable (UnificationEngine) -> Bool = { engine in
        !ReunifyJobPlanner.isSuperseded(
          job, currentSettingsVersion: engine.scopes[scopeID]?.settingsVersion ?? 0)
      }
      await options.beforeJobBatch?(jobID, 0)
      if cancelledJobs.remove(jobID) != nil { return }
      // The plan: new keys applied to the graph, components computed (U18 steps 1-3).
      var started = job
      started.status = .running
      let plannedStarted = started
      let step = try await perform(
        buildEvents: false,
        { engine, _ in
          guard current(engine) else { return (JobStep.superseded, EngineChanges(), []) }
          var run = engine.beginReunify(scopeIDs: [scopeID], batchSize: batchSize)
          run.lastOperation = engine.operationCount
          return (
            .applied(run), EngineChanges(),
            [Self.jobEvent(plannedStarted, organizationID: organizationID)]
          )
        },
        extra: { connection, step in
          try await Self.recordStep(step, jobID: jobID, starting: true, on: connection)
        }
      ).0
      try await runBatches(
        from: step, jobID: jobID, current: current,
        { run, engine, now in
          var next = run
          let changes = engine.applyNextBatch(
            of: &next, revalidate: engine.operationCount != run.lastOperation + 1,
            broadcastAll: broadcastAll, type: type, correlationID: "job:\(jobID)", now: now)
          next.lastOperation = engine.operationCount
          var events =
            OutboundEventBuilder.profileEvents(
              changes.profileItems, engine: engine, now: now, jobID: jobID, scopeID: scopeID,
              type: type, finalJobBatch: next.isFinished)
          let batches = events.count
          events += OutboundEventBuilder.tagEvents(changes.tagItems, engine: engine, now: now)
          var progress = plannedStarted
          progress.totalEntities = Int64(next.totalEntities)
          progress.processedEntities = Int64(next.processedEntities)
          progress.influencedEntities = Int64(next.influencedEntities)
          if next.isFinished {
            progress.status = .completed
            events.append(Self.jobEvent(progress, organizationID: organizationID))
          }
          next.publishedMessages += batches
          return (.applied(next), changes, events)
        })
    } catch {
      logger.error(
        "re-unification job failed", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
      _ = try? await pool.execute(
        "UPDATE reunify_job SET status = 'failed', finished_at = now(), error = \(String(describing: error)) WHERE job_id = \(jobID) AND status IN ('pending', 'running')"
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
            try await Self.recordStep(step, jobID: jobID, starting: false, on: connection)
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

  /// Records a job step on its row, in the step's transaction.
  static func recordStep(
    _ step: JobStep, jobID: Int64, starting: Bool, on connection: PostgresConnection
  ) async throws {
    switch step {
    case .superseded:
      _ = try await connection.execute(
        """
        UPDATE reunify_job SET status = 'superseded', finished_at = now()
        WHERE job_id = \(jobID) AND status IN ('pending', 'running')
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
        WHERE job_id = \(jobID) AND status IN ('pending', 'running')
        """)
    }
  }

  /// Scope changes (U6) regroup every affected scope in one operation; their job rows are
  /// recorded as completed with it.
  func changeScopes(
    caller: OrgRef, trigger: ReunifyTrigger, actor: Actor,
    _ operation:
      @escaping @Sendable (inout UnificationEngine, Instant) throws(DomainError) -> (
        [Int64], EngineChanges
      )
  ) async throws -> [Int64] {
    try await perform(
      buildEvents: false,
      { engine, now in
        var (affected, changes) = try operation(&engine, now)
        let (jobChanges, _) = engine.reunify(
          scopeIDs: affected, type: .unifyScopeSettingUpdate, actor: actor,
          correlationID: "scope_change", now: now)
        changes.merge(jobChanges)
        let events =
          OutboundEventBuilder.profileEvents(
            changes.profileItems, engine: engine, now: now, jobID: 0, scopeID: affected.first,
            type: .unifyScopeSettingUpdate)
          + OutboundEventBuilder.tagEvents(changes.tagItems, engine: engine, now: now)
        return (affected, changes, events)
      },
      extra: { connection, affected in
        for scopeID in affected {
          _ = try await connection.execute(
            """
            INSERT INTO reunify_job (unify_scope_id, organization_id, trigger, settings_version, status,
                                     started_at, finished_at)
            VALUES (\(scopeID), \(caller.orgID), \(trigger.rawValue), 0, 'completed', now(), now())
            """)
        }
      }
    ).0
  }

  /// `ResyncScope`: a job re-running the scope's unification, optionally re-broadcasting all.
  func resync(scopeID: Int64, broadcastAll: Bool, organizationID: Int64) async throws -> Int64 {
    guard let scope = engine.scopes[scopeID] else {
      throw ServiceError(.notFound, "unify scope not found", field: "unify_scope_id")
    }
    let (replaced, rows) = try await pool.withTransaction { connection in
      let replaced = try await connection.query(
        "UPDATE reunify_job SET status = 'superseded', finished_at = now() WHERE unify_scope_id = \(scopeID) AND status IN ('pending', 'running') RETURNING job_id"
      ).map { try $0.decode("job_id", as: Int64.self) }
      return (
        replaced,
        try await connection.query(
          """
          INSERT INTO reunify_job (unify_scope_id, organization_id, trigger, settings_version, broadcast_all, status)
          VALUES (\(scopeID), \(organizationID), 'admin_resync', \(scope.settingsVersion), \(broadcastAll), 'pending')
          RETURNING job_id
          """)
      )
    }
    // The replaced job stops at its next batch boundary (U20).
    cancelledJobs.formUnion(replaced)
    let jobID = try rows[0].decode("job_id", as: Int64.self)
    spawn { [self] in await self.runJob(jobID) }
    return jobID
  }
}
