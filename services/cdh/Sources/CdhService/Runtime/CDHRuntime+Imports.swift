import CDHDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit

/// An import task as stored (U40).
struct ImportTaskRecord: Sendable {
  var id: Int64
  var organizationID: Int64
  var scopeID: Int64
  var status: ImportTaskStatus
  var totalRows: Int64
  var processedRows: Int64
  var failedRows: Int64
  var errors: [ImportRowError]
  var createdBy: String
  var createdAt: Date
  var startedAt: Date?
  var finishedAt: Date?
}

extension CDHRuntime {
  struct StoredUpdate: Codable, Sendable {
    var field: String
    var value: String?
  }

  struct StoredRow: Codable, Sendable {
    var row_no: Int
    var member_id: Int64
    var updates: [StoredUpdate]
  }

  static let taskColumns = """
    task_id, organization_id, unify_scope_id, status, total_rows, processed_rows, failed_rows, errors,
    created_by, created_at, started_at, finished_at
    """

  static func task(_ row: PostgresRow) throws -> ImportTaskRecord {
    ImportTaskRecord(
      id: try row.decode("task_id", as: Int64.self),
      organizationID: try row.decode("organization_id", as: Int64.self),
      scopeID: try row.decode("unify_scope_id", as: Int64.self),
      status: ImportTaskStatus(rawValue: try row.decode("status", as: String.self)) ?? .failed,
      totalRows: try row.decode("total_rows", as: Int64.self),
      processedRows: try row.decode("processed_rows", as: Int64.self),
      failedRows: try row.decode("failed_rows", as: Int64.self),
      errors: try row.decode("errors", as: PostgresJSON.self).decode([ImportRowError].self),
      createdBy: try row.decode("created_by", as: String.self),
      createdAt: try row.decode("created_at", as: Date.self),
      startedAt: try row.decode("started_at", as: Date?.self),
      finishedAt: try row.decode("finished_at", as: Date?.self))
  }

  /// U40: validates, enforces one active task per scope, stores the rows and starts the
  /// worker. An idempotency key already used by the org returns the existing task.
  func submitImport(caller: OrgRef, rows: [ImportRowInput], idempotencyKey: String, actor: Actor)
    async throws -> ImportTaskRecord
  {
    do { try ImportTaskRules.validateSubmission(rows) } catch {
      throw ContractMapping.serviceError(error)
    }
    if !idempotencyKey.isEmpty,
      let existing = try await pool.query(
        "SELECT \(unescaped: Self.taskColumns) FROM import_task WHERE organization_id = \(caller.orgID) AND idempotency_key = \(idempotencyKey)"
      ).first
    {
      return try Self.task(existing)
    }
    let scopeID = try await resolveScope(0, caller: caller)
    let stored = rows.enumerated().map { index, row in
      StoredRow(
        row_no: index + 1, member_id: row.memberID,
        updates: row.updates.map { StoredUpdate(field: $0.field, value: $0.value) })
    }
    let task: ImportTaskRecord
    let outbox = self.outbox
    do {
      task = try await pool.withTransaction { connection in
        let active = try await connection.query(
          "SELECT count(*) AS n FROM import_task WHERE unify_scope_id = \(scopeID) AND status IN ('pending', 'running')"
        )
        let count = Int(try active[0].decode("n", as: Int64.self))
        do {
          try ImportTaskRules.checkConcurrency(activeTasksInScope: count)
        } catch let error as DomainError { throw ContractMapping.serviceError(error) }
        let inserted = try await connection.query(
          """
          INSERT INTO import_task (organization_id, source, unify_scope_id, status, total_rows, idempotency_key, created_by)
          VALUES (\(caller.orgID), \(caller.source.rawValue), \(scopeID), 'pending', \(Int64(rows.count)),
                  \(idempotencyKey), \(actor.id))
          RETURNING \(unescaped: Self.taskColumns)
          """)
        let task = try Self.task(inserted[0])
        for start in stride(from: 0, to: stored.count, by: 5_000) {
          let batch = Array(stored[start..<min(start + 5_000, stored.count)])
          _ = try await connection.execute(
            """
            INSERT INTO import_task_row (task_id, row_no, member_id, updates)
            SELECT \(task.id), x.row_no, x.member_id, x.updates
            FROM jsonb_to_recordset(\(try EngineStore.json(batch))) AS x(row_no int, member_id bigint, updates jsonb)
            """)
        }
        try await outbox.append(Self.taskEvent(task), on: connection)
        return task
      }
    } catch let error as PostgresError where error.sqlState == .uniqueViolation {
      throw ServiceError(
        .resourceExhausted, "an import task is already pending or running for this scope")
    }
    spawn { [self] in await self.runImport(task.id) }
    return task
  }

  static func taskEvent(_ task: ImportTaskRecord) -> OutboundEvent {
    var event = Maac_Cdh_V1_ImportTaskChanged()
    event.eventID = task.id
    event.taskID = task.id
    event.org = .with {
      $0.orgID = task.organizationID
      $0.source = .maac
    }
    event.status = ContractMapping.importStatus(task.status)
    event.processedRows = task.processedRows
    event.failedRows = task.failedRows
    return OutboundEvent(
      eventType: OutboundEventBuilder.importTaskType, organizationID: task.organizationID,
      payload: event)
  }

  /// The worker (U40, U41): `pending → running`, rows in batches of 500 with per-row
  /// results, then `complete` (or `failed` if the task as a whole cannot proceed).
  func runImport(_ taskID: Int64) async {
    do {
      guard
        var task = try await pool.query(
          "SELECT \(unescaped: Self.taskColumns) FROM import_task WHERE task_id = \(taskID)"
        ).first.map(Self.task), task.status.isActive
      else { return }
      let org = OrgRef(task.organizationID)
      task.status = .running
      let running = task
      let outbox = self.outbox
      try await pool.withTransaction { connection in
        _ = try await connection.execute(
          "UPDATE import_task SET status = 'running', started_at = coalesce(started_at, now()) WHERE task_id = \(taskID)"
        )
        try await outbox.append(Self.taskEvent(running), on: connection)
      }
      var progress = ImportProgress(totalRows: Int(task.totalRows))
      progress.processedRows = Int(task.processedRows)
      progress.failedRows = Int(task.failedRows)
      progress.errors = task.errors
      while true {
        let rows = try await pool.query(
          """
          SELECT row_no, member_id, updates FROM import_task_row
          WHERE task_id = \(taskID) AND status = 'pending' ORDER BY row_no LIMIT 500
          """)
        if rows.isEmpty { break }
        let inputs: [(Int, ImportRowInput)] = try rows.map { row in
          let updates = try row.decode("updates", as: PostgresJSON.self).decode([StoredUpdate].self)
          return (
            Int(try row.decode("row_no", as: Int32.self)),
            ImportRowInput(
              memberID: try row.decode("member_id", as: Int64.self),
              updates: updates.map { ProfileFieldUpdate(field: $0.field, value: $0.value) })
          )
        }
        let actor = Actor(type: "user", id: task.createdBy)
        let before = progress
        progress = try await perform(
          buildEvents: false,
          { engine, now in
            var all = EngineChanges()
            var batchProgress = before
            var failed: [ImportRowError] = []
            for (number, input) in inputs {
              switch engine.applyImportRow(
                input, number: number, org: org, taskID: taskID, actor: actor, now: now)
              {
              case .success(let changes):
                all.merge(changes)
                batchProgress.record(.success(()))
              case .failure(let error):
                failed.append(error)
                batchProgress.record(.failure(error))
              }
            }
            let events =
              OutboundEventBuilder.profileEvents(
                all.profileItems, engine: engine, now: now, taskID: taskID)
              + OutboundEventBuilder.tagEvents(all.tagItems, engine: engine, now: now)
            return (batchProgress, all, events)
          },
          extra: { connection, progress in
            let numbers = inputs.map { Int64($0.0) }
            _ = try await connection.execute(
              "UPDATE import_task_row SET status = 'done' WHERE task_id = \(taskID) AND row_no = ANY(\(numbers)::int[])"
            )
            for error in progress.errors where !before.errors.contains(error) {
              _ = try await connection.execute(
                "UPDATE import_task_row SET status = 'failed', error = \(error.code.rawValue) WHERE task_id = \(taskID) AND row_no = \(Int64(error.row))"
              )
            }
            _ = try await connection.execute(
              """
              UPDATE import_task SET processed_rows = \(Int64(progress.processedRows)),
                failed_rows = \(Int64(progress.failedRows)), errors = \(try EngineStore.json(progress.errors))
              WHERE task_id = \(taskID)
              """)
            return ()
          }
        ).0
      }
      try await pool.withTransaction { connection in
        let finished = try await connection.query(
          "UPDATE import_task SET status = 'complete', finished_at = now() WHERE task_id = \(taskID) RETURNING \(unescaped: Self.taskColumns)"
        )
        try await outbox.append(Self.taskEvent(try Self.task(finished[0])), on: connection)
      }
    } catch {
      logger.error("import task failed", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
      _ = try? await pool.execute(
        "UPDATE import_task SET status = 'failed', finished_at = now() WHERE task_id = \(taskID) AND status IN ('pending', 'running')"
      )
    }
  }

  func importTask(_ taskID: Int64, caller: OrgRef) async throws -> ImportTaskRecord {
    guard
      let row = try await pool.query(
        "SELECT \(unescaped: Self.taskColumns) FROM import_task WHERE task_id = \(taskID) AND organization_id = \(caller.orgID)"
      ).first
    else { throw ServiceError(.notFound, "import task not found", field: "task_id") }
    return try Self.task(row)
  }
}
