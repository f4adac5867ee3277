import CDHDomain
import Foundation
import Logging
import PostgresClient
import ServiceKit

/// The running CDH: the engine (rebuilt from the schema at start-up) and the one place that
/// mutates it. Each mutation runs under a lock from engine change to the end of its writes,
/// so rows are always written in engine order; the writes, audit entries and outbox events
/// of one operation share one transaction.
public actor CDHRuntime {
  let pool: PostgresPool
  let outbox: Outbox
  let logger: Logger
  let options: CDHRuntimeOptions
  let store = EngineStore()
  var engine: UnificationEngine
  var persistedScopes: [Int64: UnifyScope] = [:]
  var persistedApplied: [Int64: [UnifyAttribute]] = [:]
  var persistedOrgs: [OrgRef: OrgInfo] = [:]
  /// Runs (lead job ids) replaced while running; they stop at their next batch boundary.
  var cancelledJobs: Set<Int64> = []
  private var busy = false
  private var waiters: [CheckedContinuation<Void, Never>] = []
  /// Background work started by operations (jobs, imports), awaited by tests via `idle()`.
  private var background: [Task<Void, Never>] = []

  init(
    pool: PostgresPool, outbox: Outbox, logger: Logger, engine: UnificationEngine,
    options: CDHRuntimeOptions
  ) {
    self.pool = pool
    self.options = options
    self.outbox = outbox
    self.logger = logger
    self.engine = engine
    self.persistedScopes = engine.scopes
    self.persistedApplied = engine.appliedKeys
    self.persistedOrgs = engine.orgs
  }

  /// Loads the engine from `pool` and resumes unfinished jobs and imports.
  public static func start(
    pool: PostgresPool, outbox: Outbox, logger: Logger,
    options: CDHRuntimeOptions = CDHRuntimeOptions()
  ) async throws -> CDHRuntime {
    let engine = try await EngineStore().load(pool: pool)
    let runtime = CDHRuntime(
      pool: pool, outbox: outbox, logger: logger, engine: engine, options: options)
    await runtime.resumeBackgroundWork()
    return runtime
  }

  /// Persists a whole engine built in memory into an empty schema in one transaction of bulk
  /// COPYs (benchmarks, bulk loads) and returns a runtime over it.
  public static func bulkLoad(
    _ engine: UnificationEngine, pool: PostgresPool, outbox: Outbox, logger: Logger,
    options: CDHRuntimeOptions = CDHRuntimeOptions()
  ) async throws -> CDHRuntime {
    var everything = EngineChanges()
    everything.entityWrites = Set(engine.entities.keys)
    everything.profileWrites = Set(engine.profiles.keys).union(engine.retired.keys)
    let store = EngineStore()
    let prepared = store.prepare(
      everything, engine: engine, scopes: Array(engine.scopes.values),
      orgs: Array(engine.orgs.values))
    try await pool.withTransaction { connection in
      try await store.write(prepared, on: connection)
    }
    return CDHRuntime(pool: pool, outbox: outbox, logger: logger, engine: engine, options: options)
  }

  /// Applies one contact change in its own transaction (U15); the event stream applies them
  /// inside its consumer's transaction instead.
  public func apply(_ event: EntityEvent) async throws {
    _ = try await perform { engine, now in ((), engine.apply(event, now: now), []) }
  }

  /// The scope of an org, if CDH has seen it.
  public func scopeID(of org: OrgRef) -> Int64? { engine.orgScope[org] }

  // MARK: Serialisation

  func acquire() async {
    if busy {
      await withCheckedContinuation { waiters.append($0) }
    } else {
      busy = true
    }
  }

  func release() {
    if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
  }

  /// Whether another mutation waits for the lock (a pipelined job then stops at the next
  /// batch boundary to let it in).
  var lockWanted: Bool { !waiters.isEmpty }

  /// Reads engine state (never blocked by writers: engine changes are synchronous).
  func read<T: Sendable>(_ body: @Sendable (UnificationEngine) throws -> T) rethrows -> T {
    try body(engine)
  }

  /// One engine operation with its persistence. `operation` mutates the engine and returns a
  /// value, the changes and extra events; `extra` runs in the same transaction after the
  /// engine rows are written. On a failed write the engine is reloaded from the schema.
  func perform<T: Sendable, R: Sendable>(
    on connection: PostgresConnection? = nil, buildEvents: Bool = true,
    _ operation:
      @Sendable (inout UnificationEngine, Instant) throws -> (T, EngineChanges, [OutboundEvent]),
    extra: @escaping @Sendable (PostgresConnection, T) async throws -> R
  ) async throws -> (T, R) {
    await acquire()
    defer { release() }
    let (value, work) = try prepareOperation(buildEvents: buildEvents, operation, extra: extra)
    do {
      let result: R
      if let connection {
        result = try await work(connection)
      } else {
        result = try await pool.withTransaction(work)
      }
      return (value, result)
    } catch {
      await reloadAfterFailedWrite(error)
      throw error
    }
  }

  /// The synchronous half of an operation, run under the lock: the engine change, then the
  /// rows and events it produced captured into a write that never reads engine state.
  func prepareOperation<T: Sendable, R: Sendable>(
    buildEvents: Bool,
    _ operation:
      @Sendable (inout UnificationEngine, Instant) throws -> (T, EngineChanges, [OutboundEvent]),
    extra: @escaping @Sendable (PostgresConnection, T) async throws -> R
  ) throws -> (T, @Sendable (PostgresConnection) async throws -> R) {
    let now = Instant.now
    engine.operationCount &+= 1
    let (value, changes, events): (T, EngineChanges, [OutboundEvent])
    do {
      (value, changes, events) = try operation(&engine, now)
    } catch let error as DomainError {
      throw ContractMapping.serviceError(error)
    }
    let prepared = preparedWrite(changes)
    let allEvents =
      buildEvents
      ? events + OutboundEventBuilder.events(for: changes, engine: engine, now: now) : events
    let (store, outbox) = (self.store, self.outbox)
    return (
      value,
      { connection in
        try await store.write(prepared, on: connection)
        let result = try await extra(connection, value)
        try await outbox.append(allEvents, on: connection)
        return result
      }
    )
  }

  /// A write failed: the engine is ahead of the schema, so it is rebuilt from the schema.
  func reloadAfterFailedWrite(_ error: any Error) async {
    logger.error("cdh write failed; reloading the engine", metadata: ["error": "\(error)"])
    if let reloaded = try? await store.load(pool: pool) {
      engine = reloaded
      persistedScopes = engine.scopes
      persistedApplied = engine.appliedKeys
      persistedOrgs = engine.orgs
    }
  }

  func perform<T: Sendable>(
    on connection: PostgresConnection? = nil,
    _ operation:
      @Sendable (inout UnificationEngine, Instant) throws -> (T, EngineChanges, [OutboundEvent])
  ) async throws -> T {
    try await perform(on: connection, operation, extra: { _, _ in () }).0
  }

  /// Captures the rows of `changes` plus every scope and org that differs from what was last
  /// persisted.
  private func preparedWrite(_ changes: EngineChanges) -> EngineStore.PreparedWrite {
    let applied = engine.appliedKeys
    let scopes = engine.scopes.values.filter {
      persistedScopes[$0.id] != $0 || persistedApplied[$0.id] != applied[$0.id]
    }
    let orgs =
      engine.orgs.values.filter { persistedOrgs[$0.org] != $0 }
      + engine.orgScope.keys.filter { persistedOrgs[$0] == nil && engine.orgs[$0] == nil }.map {
        OrgInfo(org: $0)
      }
    for scope in scopes { persistedScopes[scope.id] = scope }
    persistedApplied = applied
    for org in orgs { persistedOrgs[org.org] = org }
    // Scope moves change org rows without changing OrgInfo: write every org of changed scopes.
    var orgRows = orgs
    for scope in scopes {
      for org in scope.orgs where !orgRows.contains(where: { $0.org == org }) {
        orgRows.append(engine.orgs[org] ?? OrgInfo(org: org))
      }
    }
    return store.prepare(changes, engine: engine, scopes: scopes, orgs: orgRows)
  }

  // MARK: Background work

  func spawn(_ body: @escaping @Sendable () async -> Void) {
    background.removeAll { $0.isCancelled }
    background.append(Task { await body() })
  }

  /// Waits until every job and import started so far has finished (tests, shutdown).
  public func idle() async {
    while !background.isEmpty {
      let tasks = background
      background.removeAll()
      for task in tasks { await task.value }
    }
  }

  func resumeBackgroundWork() async {
    do {
      // One run per lead: the rows of a run over several scopes resume together (U6).
      for row in try await pool.query(
        """
        SELECT DISTINCT coalesce(run_id, job_id) AS run FROM reunify_job
        WHERE status IN ('pending', 'running') ORDER BY run
        """)
      {
        let runID = try row.decode("run", as: Int64.self)
        spawn { [self] in await self.runJob(runID) }
      }
      for row in try await pool.query(
        "SELECT task_id FROM import_task WHERE status IN ('pending', 'running') ORDER BY task_id")
      {
        let taskID = try row.decode("task_id", as: Int64.self)
        spawn { [self] in await self.runImport(taskID) }
      }
    } catch {
      logger.error("could not resume background work", metadata: ["error": "\(error)"])
    }
  }
}
