import ContactsDomain
import Foundation
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle

/// Applies import tasks in the background (C17, C30–C32, C34).
///
/// One task runs per organization; the others wait in submission order. Rows are applied in
/// batches, each batch in one transaction together with its row results, history, events and
/// the task's resume point (`next_record`). A process killed mid-import loses at most the
/// uncommitted batch, which the next worker re-applies from `next_record`: no row is applied
/// twice and none is lost. A task whose worker died is taken over once its lease expires.
public struct ImportWorker: Service {
  let pool: PostgresPool
  let outbox: Outbox
  let directory: any OrganizationDirectory
  let domainResolver: any EmailDomainResolver
  /// The organizations' zones (C40 `consent_at`).
  let timeZones: OrganizationTimeZones
  let batchSize: Int
  let lease: Duration
  let idlePoll: Duration
  let logger: Logger
  /// C26: with a tag manager configured, a task ends only after its tag commands were sent.
  let waitsForTags: Bool

  public init(
    pool: PostgresPool, outbox: Outbox, directory: any OrganizationDirectory,
    domainResolver: any EmailDomainResolver = SystemEmailDomainResolver(),
    timeZones: OrganizationTimeZones = OrganizationTimeZones(gate: nil), batchSize: Int = 10_000,
    lease: Duration = .seconds(30), idlePoll: Duration = .milliseconds(200), logger: Logger,
    waitsForTags: Bool = false
  ) {
    self.waitsForTags = waitsForTags
    self.pool = pool
    self.outbox = outbox
    self.directory = directory
    self.domainResolver = domainResolver
    self.timeZones = timeZones
    self.batchSize = batchSize
    self.lease = lease
    self.idlePoll = idlePoll
    self.logger = logger
  }

  public func run() async throws {
    while !Task.isCancelled {
      do {
        if let task = try await claim() {
          try await process(task)
          continue
        }
      } catch is CancellationError {
        return
      } catch {
        if Task.isCancelled { return }
        logger.error("import worker failed; retrying", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: idlePoll)
    }
  }

  /// The columns the candidate lookup (C21) filters on, analyzed mid-import (all 57 columns
  /// took 0.4 s per ANALYZE).
  static let matchedColumns = [
    "organization_id", "channel_type", "channel_id", "external_id", "display_mobile",
    "customer_id", "deleted_at",
  ]

  /// Imports of at least this many rows refresh the planner statistics of `contact`.
  static let analyzeAfterRows: Int64 = 10_000

  var leaseSeconds: Double {
    Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
  }

  /// Takes the oldest runnable task: a pending one of an organization with no live running task,
  /// or a running one whose lease expired (its worker died).
  func claim() async throws -> ImportTaskRecord? {
    try await pool.withTransaction { connection in
      _ = try await connection.query(
        "SELECT pg_advisory_xact_lock(hashtext('contacts.import.claim'))")
      let rows = try await connection.query(
        """
        UPDATE import_task SET status = 'running', started_at = coalesce(started_at, now()),
          lease_until = now() + make_interval(secs => \(leaseSeconds))
        WHERE id = (
          SELECT t.id FROM import_task t
          WHERE (t.status = 'running' AND t.lease_until < now())
             OR (t.status = 'pending' AND NOT EXISTS (
                   SELECT 1 FROM import_task r WHERE r.organization_id = t.organization_id
                     AND r.status = 'running' AND r.lease_until >= now()))
          ORDER BY (t.status = 'running') DESC, t.id LIMIT 1)
        RETURNING \(unescaped: ImportTaskRecord.selectList)
        """)
      return try rows.first.map(ImportTaskRecord.init)
    }
  }

  /// The rows of a task as records (CSV from its upload, or its JSON rows).
  func records(of task: ImportTaskRecord, _ body: (CSVRecord) async throws -> Void) async throws {
    if let json = task.jsonRows {
      let stored = try json.decode(StoredJSONRows.self)
      for record in try JSONImportRows.records(columns: stored.columns, rows: stored.rows) {
        // JSON rows are numbered from 1; the header is implicit.
        try await body(record)
      }
      return
    }
    guard let uploadID = task.uploadID else { return }
    var reader = CSVReader()
    var pending: [CSVRecord] = []
    var seq: Int32 = 0
    while true {
      let rows = try await pool.query(
        "SELECT data FROM upload_chunk WHERE upload_id = \(uploadID) AND seq = \(seq)")
      guard let row = rows.first else { break }
      try reader.feed(Array(try row.decode("data", as: Data.self))) { pending.append($0) }
      for record in pending { try await body(record) }
      pending.removeAll(keepingCapacity: true)
      seq += 1
    }
    try reader.finish { pending.append($0) }
    for record in pending { try await body(record) }
  }

  enum FileCheck {
    case success(Int64)
    case failure(ImportIssue)
  }

  /// C30: the whole file is checked before any row applies.
  func checkFile(_ task: ImportTaskRecord) async throws -> FileCheck {
    if task.jsonRows != nil {
      let stored = try task.jsonRows!.decode(StoredJSONRows.self)
      return .success(Int64(stored.rows.count))
    }
    var reader = CSVReader()
    var rows: Int64 = -1
    do {
      guard let uploadID = task.uploadID else {
        return .failure(ImportIssue(code: .fileEmpty, message: "no file", blocking: true))
      }
      var seq: Int32 = 0
      while true {
        let chunk = try await pool.query(
          "SELECT data FROM upload_chunk WHERE upload_id = \(uploadID) AND seq = \(seq)")
        guard let row = chunk.first else { break }
        try reader.feed(Array(try row.decode("data", as: Data.self))) { record in
          if !record.isBlank || rows < 0 { rows += 1 }
        }
        seq += 1
      }
      try reader.finish { record in if !record.isBlank || rows < 0 { rows += 1 } }
    } catch let error as CSVError {
      return .failure(
        ImportIssue(
          code: error.reason, message: "row \(error.recordNumber): \(error.message)", blocking: true
        ))
    }
    if rows <= 0 {
      return .failure(
        ImportIssue(code: .fileEmpty, message: "the file has no data row", blocking: true))
    }
    if rows > Int64(ImportLimits.maxRows) {
      return .failure(
        ImportIssue(
          code: .tooManyRows, message: "the file has \(rows) rows; at most 1,000,000",
          blocking: true))
    }
    return .success(rows)
  }

  func process(_ initial: ImportTaskRecord) async throws {
    var task = initial
    let log = logger.with("import_task", task.id)
    if task.counts.totalRows == 0 {
      switch try await checkFile(task) {
      case .failure(let issue):
        try await finish(task, failure: issue)
        log.info("import failed its file check", metadata: ["reason": "\(issue.code)"])
        return
      case .success(let total):
        _ = try await pool.execute(
          "UPDATE import_task SET total_rows = \(total) WHERE id = \(task.id)")
        task.counts.totalRows = total
      }
    }
    let definitions = try await directory.customFields(organizationID: task.organizationID)
    // Like the custom fields: admin center unreachable with no zone known throws, and the task
    // is taken up again once its lease expires (nothing of it was applied in a guessed zone).
    let timeZone = try await timeZones.timeZone(of: task.organizationID)
    let header = try ImportHeader(
      task.header, target: task.target, key: task.key, customFields: definitions,
      defaultCountry: task.defaultCountry)
    var batch: [CSVRecord] = []
    let applier = ImportBatchApplier(
      pool: pool, outbox: outbox, task: task, header: header, domainResolver: domainResolver,
      timeZone: timeZone)
    var next = task.nextRecord
    let isCSV = task.jsonRows == nil
    // A pipeline: while batch N is applied, batch N+1 is prepared (validated, its ids
    // reserved, planned against no stored contacts, its events encoded) and batch N+2 is read
    // from the file, so PostgreSQL does not wait for the file between two batches. Batches
    // still commit one after another, in file order (C31): an apply starts only once the one
    // before it has committed, and each checks that it continues where that one ended.
    var validating: Task<ImportBatchApplier.Prepared, any Error>?
    var applying: Task<Int64, any Error>?
    let leaseSeconds = self.leaseSeconds
    var started = 0
    func startApply(_ prepared: ImportBatchApplier.Prepared, after expectedNext: Int64) -> Task<
      Int64, any Error
    > {
      // An import fills `contact` faster than autovacuum analyzes it: with the statistics of
      // the table before the import, the planner's estimates for the organization's contacts
      // can be off by any factor, and the candidate lookup (C21) can pick an index without the
      // key (a scan of the organization's contacts per key; seen: 85 s of 120 s of a 300,000
      // row import). Fresh statistics after batches 1, 2, 4, 8, ... keep every estimate within
      // a factor of two, for log2(batches) ANALYZEs of the columns the lookup filters on.
      let analyze = started > 0 && started & (started - 1) == 0
      started += 1
      return Task {
        if analyze {
          _ = try await self.pool.execute(
            "ANALYZE contact (\(unescaped: Self.matchedColumns.joined(separator: ", ")))")
        }
        return try await applier.apply(
          prepared, expectedNext: expectedNext, leaseSeconds: leaseSeconds)
      }
    }
    func submit(_ records: [CSVRecord]) async throws {
      let prepared = Task { try await applier.prepare(records) }
      if let ready = validating {
        try Task.checkCancellation()
        if let previous = applying { next = try await previous.value }
        applying = startApply(try await ready.value, after: next)
      }
      validating = prepared
    }
    do {
      try await records(of: task) { record in
        // Records before the resume point were applied by an earlier run (C17 resumability).
        guard Int64(record.number) >= task.nextRecord, !(isCSV && record.number == 1) else {
          return
        }
        batch.append(record)
        if batch.count >= batchSize {
          try await submit(batch)
          batch.removeAll(keepingCapacity: true)
        }
      }
      try Task.checkCancellation()
      if !batch.isEmpty { try await submit(batch) }
      if let previous = applying { next = try await previous.value }
      applying = nil
      if let last = validating {
        next = try await startApply(try await last.value, after: next).value
      }
    } catch {
      // A batch in flight ends (commits or rolls back) before the worker gives the task up.
      _ = try? await applying?.value
      throw error
    }
    if task.counts.totalRows >= Self.analyzeAfterRows {
      // A bulk load changes the table's statistics at once; without fresh ones the planner
      // keeps plans made for the old, smaller table (seen: lookups by phone at 100 ms instead
      // of 0.3 ms right after a 100k-row import) until autovacuum gets to it.
      _ = try await pool.execute("ANALYZE contact")
    }
    if waitsForTags {
      // C26: a tag-manager outage delays the task's end; it stays running, holding its lease.
      while try await TagCommandRelay.hasUnsent(taskID: task.id, pool: pool) {
        try Task.checkCancellation()
        _ = try await pool.execute(
          """
          UPDATE import_task SET lease_until = now() + make_interval(secs => \(leaseSeconds))
          WHERE id = \(task.id) AND status = 'running'
          """)
        try await Task.sleep(for: idlePoll)
      }
    }
    let done = try await ImportService(pool: pool, directory: directory).record(
      task.id, org: task.organizationID)
    try await finish(done, failure: nil)
    log.info("import completed", metadata: ["rows": "\(done.counts.processedRows)"])
  }

  /// Moves the task to completed (or failed) and publishes `contact.import.finished` (C17).
  func finish(_ task: ImportTaskRecord, failure: ImportIssue?) async throws {
    try await pool.withTransaction { connection in
      let status = failure == nil ? "completed" : "failed"
      let rows = try await connection.query(
        """
        UPDATE import_task SET status = \(status), finished_at = now(),
          error = \(try failure.map { try PostgresJSON(encoding: $0) })
        WHERE id = \(task.id) AND status = 'running'
        RETURNING \(unescaped: ImportTaskRecord.selectList)
        """)
      guard let row = rows.first else { return }
      let finished = try ImportTaskRecord(row)
      var event = Maac_Contacts_V1_ContactImportFinished()
      let eventID = try await outbox.nextSequence(on: connection)
      event.cause = ContactEvents.cause(
        ChangeCause(origin: .import, actor: finished.createdBy, correlationID: String(finished.id)),
        eventID: eventID)
      event.taskID = finished.id
      event.target = ImportService.target(finished.target)
      event.channelID = finished.channelID
      event.status = failure == nil ? .succeeded : .failed
      event.totalRows = finished.counts.totalRows
      event.createdCount = finished.counts.created
      event.updatedCount = finished.counts.updated
      event.skippedCount = finished.counts.skipped
      event.failedCount = finished.counts.failed
      event.createdBy = finished.createdBy
      try await outbox.append(
        OutboundEvent(
          eventType: ContactEvents.importFinished, organizationID: finished.organizationID,
          payload: event,
          requestID: ""), on: connection)
    }
  }
}

extension Logger {
  func with(_ key: String, _ value: some CustomStringConvertible) -> Logger {
    var copy = self
    copy[metadataKey: key] = "\(value)"
    return copy
  }
}
