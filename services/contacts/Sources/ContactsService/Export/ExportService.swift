import ContactsDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf

/// Exports (C75): tasks, the CSV written by ``runNext()``, downloads for 24 hours.
struct ExportService: Sendable {
  let pool: PostgresPool
  let outbox: Outbox
  let store: ContactStore
  let directory: any OrganizationDirectory
  /// Segment, for exports of a filtered list (C64 applies to exports as to lists).
  var filters: any FilterEvaluator = UnreachableFilterEvaluator()

  static let notFound = ServiceErrors.make(.notFound, .taskNotFound, "Export task not found")
  static let maxRunning = 3

  func create(
    _ request: Maac_Contacts_V1_CreateExportTaskRequest, organizationID org: Int64, actor: String
  )
    async throws -> Maac_Contacts_V1_ExportTask
  {
    if case .ids(let ids) = request.selection, ids.contactIds.count > 10_000 {
      throw ServiceErrors.invalid(
        .tooManyIDs, field: "ids.contact_ids", "at most 10,000 ids; got \(ids.contactIds.count)")
    }
    if case .search(let search) = request.selection {
      _ = try ContactSearch.lookup(search.hasQuery ? search.query : nil)
    }
    let definitions = try await directory.customFields(organizationID: org)
    let columns = try ServiceErrors.domain {
      try ContactExport.columns(requested: request.columns, customFields: definitions)
    }
    let running = try await pool.query(
      "SELECT count(*) AS n FROM export_task WHERE organization_id = \(org) AND status IN ('pending','running')"
    )[0]
    .decode("n", as: Int64.self)
    if running >= Self.maxRunning {
      throw ServiceErrors.make(
        .resourceExhausted, "EXPORT_QUEUE_FULL", "3 exports are already running")
    }
    let rows = try await pool.query(
      """
      INSERT INTO export_task (organization_id, status, request, columns, created_by)
      VALUES (\(org), 'pending', \(try request.serializedData()), \(columns.map(\.header)), \(actor))
      RETURNING id
      """)
    let id = try rows[0].decode("id", as: Int64.self)
    return try await task(id, organizationID: org)
  }

  func task(_ id: Int64, organizationID org: Int64) async throws -> Maac_Contacts_V1_ExportTask {
    let rows = try await pool.query(
      """
      SELECT id, status, request, columns, row_count, error, created_by, created_at, started_at, finished_at, expires_at
      FROM export_task WHERE id = \(id) AND organization_id = \(org)
      """)
    guard let row = rows.first else { throw Self.notFound }
    var task = Maac_Contacts_V1_ExportTask()
    task.taskID = id
    task.status =
      switch try row.decode("status", as: String.self) {
      case "pending": .pending
      case "running": .running
      case "completed": .succeeded
      default: .failed
      }
    task.rowCount = try row.decode("row_count", as: Int64.self)
    let request = try Maac_Contacts_V1_CreateExportTaskRequest(
      serializedBytes: try row.decode("request", as: Data.self))
    switch request.selection {
    case .search(let search): task.search = search
    case .ids(let ids): task.ids = ids
    case nil: break
    }
    task.columns = try row.decode("columns", as: [String].self)
    task.createdBy = try row.decode("created_by", as: String.self)
    task.createdAt = ContactMapping.timestamp(try row.decode("created_at", as: Date.self))
    if let at = try row.decode("started_at", as: Date?.self) {
      task.startedAt = ContactMapping.timestamp(at)
    }
    if let at = try row.decode("finished_at", as: Date?.self) {
      task.finishedAt = ContactMapping.timestamp(at)
    }
    if let at = try row.decode("expires_at", as: Date?.self) {
      task.expiresAt = ContactMapping.timestamp(at)
    }
    if let error = try row.decode("error", as: PostgresJSON?.self)?.decode(ImportIssue.self) {
      task.error = ImportTaskRecord.issue(error)
    }
    return task
  }

  func download(_ id: Int64, organizationID org: Int64, write: (Data) async throws -> Void)
    async throws
  {
    let rows = try await pool.query(
      "SELECT status, expires_at FROM export_task WHERE id = \(id) AND organization_id = \(org)")
    guard let row = rows.first else { throw Self.notFound }
    guard try row.decode("status", as: String.self) == "completed" else {
      throw ServiceErrors.make(
        .failedPrecondition, .exportNotReady, "the export has not completed yet")
    }
    if let expires = try row.decode("expires_at", as: Date?.self), expires < Date() {
      throw ServiceErrors.make(
        .failedPrecondition, .exportExpired, "the export file expired after 24 hours")
    }
    var seq: Int32 = 0
    while true {
      let chunk = try await pool.query(
        "SELECT data FROM export_chunk WHERE task_id = \(id) AND seq = \(seq)")
      guard let data = try chunk.first?.decode("data", as: Data.self) else { return }
      try await write(data)
      seq += 1
    }
  }

  /// The contacts an export selects, page by page.
  func selected(
    _ request: Maac_Contacts_V1_CreateExportTaskRequest, org: Int64, _ body: ([Contact]) -> Void
  )
    async throws
  {
    if case .ids(let ids) = request.selection {
      body(
        try await store.contacts(organizationID: org, ids: ids.contactIds, includeDeleted: false))
      return
    }
    var search: Maac_Contacts_V1_SearchContactsRequest
    if case .search(let given) = request.selection { search = given } else { search = .init() }
    search.pageSize = 1000
    search.includeCount = false
    search.pageToken = ""
    let searcher = ContactSearch(store: store, filters: filters)
    while true {
      // Only the ids of a page are read here (the export has no age column): any day will do.
      let page = try await searcher.search(
        search, organizationID: org, today: CalendarDate.today(in: .gmt))
      let ids = page.contacts.map(\.id)
      let order = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
      body(
        try await store.contacts(organizationID: org, ids: ids, includeDeleted: false).sorted {
          order[$0.id]! < order[$1.id]!
        })
      if page.nextPageToken.isEmpty { return }
      search.pageToken = page.nextPageToken
    }
  }

  /// Claims and writes the oldest pending export; returns whether there was one.
  func runNext() async throws -> Bool {
    let claimed = try await pool.query(
      """
      UPDATE export_task SET status = 'running', started_at = now()
      WHERE id = (SELECT id FROM export_task WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, organization_id, request, columns, created_by
      """)
    guard let row = claimed.first else { return false }
    let id = try row.decode("id", as: Int64.self)
    let org = try row.decode("organization_id", as: Int64.self)
    let createdBy = try row.decode("created_by", as: String.self)
    let request = try Maac_Contacts_V1_CreateExportTaskRequest(
      serializedBytes: try row.decode("request", as: Data.self))
    let definitions = try await directory.customFields(organizationID: org)
    let columns = try ContactExport.columns(
      requested: try row.decode("columns", as: [String].self), customFields: definitions)
    var writer = CSVWriter()
    writer.append(columns.map(\.header))
    var chunks: [Data] = []
    var count: Int64 = 0
    do {
      try await selected(request, org: org) { contacts in
        for contact in contacts {
          // Tags live in the tag manager (ListContactTags), not reachable here yet: left empty.
          writer.append(ContactExport.cells(of: contact, columns: columns))
          count += 1
        }
        if writer.text.utf8.count > 1 << 20 { chunks.append(Data(writer.drain().utf8)) }
      }
      chunks.append(Data(writer.drain().utf8))
    } catch {
      _ = try await pool.execute(
        """
        UPDATE export_task SET status = 'failed', finished_at = now(),
          error = \(try PostgresJSON(encoding: ImportIssue(code: "EXPORT_FAILED", message: "the export failed", blocking: true)))
        WHERE id = \(id)
        """)
      throw error
    }
    try await pool.withTransaction { connection in
      try await connection.copyIn(into: "export_chunk", columns: ["task_id", "seq", "data"]) {
        copy in
        for (index, chunk) in chunks.enumerated() {
          try await copy.appendRow(values: [id, Int32(index), chunk])
        }
      }
      let rows = try await connection.query(
        """
        UPDATE export_task SET status = 'completed', row_count = \(count), finished_at = now(),
          expires_at = now() + interval '24 hours'
        WHERE id = \(id) RETURNING expires_at
        """)
      var event = Maac_Contacts_V1_ContactExportFinished()
      event.cause = ContactEvents.cause(
        ChangeCause(origin: .user, actor: createdBy, correlationID: "export-\(id)"),
        eventID: try await outbox.nextSequence(on: connection))
      event.taskID = id
      event.status = .succeeded
      event.rowCount = count
      event.expiresAt = ContactMapping.timestamp(try rows[0].decode("expires_at", as: Date.self))
      event.createdBy = createdBy
      try await outbox.append(
        OutboundEvent(
          eventType: ContactEvents.exportFinished, organizationID: org, payload: event,
          requestID: ""),
        on: connection)
    }
    return true
  }
}
