import ContactsDomain
import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit

/// Import requests (C17–C32): uploads, task creation with the synchronous checks, reads.
/// The rows themselves are applied by ``ImportWorker``.
struct ImportService: Sendable {
  let pool: PostgresPool
  let directory: any OrganizationDirectory
  /// C33: asked before a LINE import is created, when configured.
  var lineCredentials: (any LineCredentialVerifier)? = nil

  static let notFound = ServiceErrors.make(.notFound, .taskNotFound, "Import task not found")

  static func target(_ target: Maac_Contacts_V1_ImportTarget) -> ImportTarget? {
    switch target {
    case .line: .line
    case .email: .email
    case .whatsapp: .whatsapp
    default: nil
    }
  }

  static func target(_ target: ImportTarget) -> Maac_Contacts_V1_ImportTarget {
    switch target {
    case .line: .line
    case .email: .email
    case .whatsapp: .whatsapp
    }
  }

  static func key(_ key: ImportKey) -> Maac_Contacts_V1_ImportKey {
    switch key {
    case .lineUID: .lineUid
    case .phone: .phone
    case .customerID: .customerID
    case .email: .email
    }
  }

  static func key(_ key: Maac_Contacts_V1_ImportKey) -> ImportKey? {
    switch key {
    case .lineUid: .lineUID
    case .phone: .phone
    case .customerID: .customerID
    case .email: .email
    default: nil
    }
  }

  // MARK: Upload

  /// Stores a streamed CSV (C30: at most 100 MiB).
  func upload(
    chunks: RPCAsyncSequence<Maac_Contacts_V1_FileChunk, any Error>, organizationID: Int64,
    actor: String
  ) async throws -> Maac_Contacts_V1_UploadRef {
    var parts: [Data] = []
    var size = 0
    var name = ""
    for try await chunk in chunks {
      if name.isEmpty { name = chunk.fileName }
      size += chunk.data.count
      if size > ImportLimits.maxFileBytes {
        throw ServiceErrors.invalid(.fileTooLarge, field: "data", "the file is larger than 100 MiB")
      }
      if !chunk.data.isEmpty { parts.append(chunk.data) }
    }
    let total = size
    try ServiceErrors.domain { try ImportLimits.checkSize(total, field: "data") }
    let fileName = name.isEmpty ? "upload.csv" : name
    return try await pool.withTransaction { connection in
      let id = try await connection.query(
        """
        INSERT INTO upload (organization_id, file_name, size_bytes, created_by)
        VALUES (\(organizationID), \(fileName), \(Int64(total)), \(actor)) RETURNING id
        """)[0].decode("id", as: Int64.self)
      try await connection.copyIn(into: "upload_chunk", columns: ["upload_id", "seq", "data"]) {
        copy in
        for (index, part) in Self.rechunk(parts).enumerated() {
          try await copy.appendRow(values: [id, Int32(index), part])
        }
      }
      var ref = Maac_Contacts_V1_UploadRef()
      ref.uploadID = id
      ref.sizeBytes = Int64(total)
      return ref
    }
  }

  /// Stored chunks of about 1 MiB whatever the client sent.
  static func rechunk(_ parts: [Data]) -> [Data] {
    var result: [Data] = []
    var current = Data()
    for part in parts {
      current.append(part)
      while current.count >= 1 << 20 {
        result.append(current.prefix(1 << 20))
        current = Data(current.dropFirst(1 << 20))
      }
    }
    if !current.isEmpty { result.append(current) }
    return result
  }

  // MARK: Create

  func create(
    _ request: Maac_Contacts_V1_CreateImportTaskRequest, organizationID org: Int64, actor: String
  )
    async throws -> Maac_Contacts_V1_ImportTask
  {
    guard let target = Self.target(request.target) else {
      throw ServiceErrors.invalid(
        .invalidTarget, field: "target", "target must be line, email or whatsapp")
    }
    guard let key = Self.key(request.key) else {
      throw ServiceErrors.invalid(.keyNotAllowed, field: "key", "key is required")
    }
    try ServiceErrors.domain { try ImportRequestRules.checkKey(key, for: target) }
    let country = try ServiceErrors.domain { try Country.parse(request.defaultCountry) }
    guard request.channelID > 0,
      let channel = try await directory.channel(organizationID: org, id: request.channelID)
    else {
      throw ServiceErrors.make(
        .notFound, .channelNotFound, "Channel not found", field: "channel_id")
    }
    guard channel.type == target.channelType else {
      throw ServiceErrors.invalid(
        .channelTypeMismatch, field: "channel_id",
        "channel \(channel.id) is a \(channel.type.rawValue) channel, not \(target.channelType.rawValue)"
      )
    }
    guard channel.enabled else {
      throw ServiceErrors.make(
        .failedPrecondition, "CHANNEL_DISABLED", "channel \(channel.id) is disabled")
    }
    // C33: an invalid or expired LINE credential would make every created contact's profile
    // fetch fail; refuse the import instead of creating a task.
    if target == .line, let verifier = lineCredentials,
      !(try await verifier.credentialIsValid(organizationID: org, channelID: channel.id))
    {
      throw ServiceErrors.make(
        .failedPrecondition, "CHANNEL_CREDENTIAL_INVALID",
        "channel \(channel.id): the LINE credential is invalid or expired; renew it before importing",
        field: "channel_id")
    }
    if !request.idempotencyKey.isEmpty,
      let existing = try await task(idempotencyKey: request.idempotencyKey, org: org)
    {
      return existing.message
    }
    let header: [String]
    var fileName = ""
    var uploadID: Int64?
    var jsonRows: PostgresJSON?
    let source: ImportSource
    switch request.payload {
    case .uploadID(let id):
      let rows = try await pool.query(
        "SELECT file_name FROM upload WHERE id = \(id) AND organization_id = \(org)")
      guard let row = rows.first else {
        throw ServiceErrors.make(.notFound, .uploadNotFound, "Upload not found", field: "upload_id")
      }
      fileName = try row.decode("file_name", as: String.self)
      uploadID = id
      header = try await firstRecord(uploadID: id)
      source = .ui
    case .rows(let json):
      let rows = json.rows.map(\.cells)
      _ = try ServiceErrors.domain { try JSONImportRows.records(columns: json.columns, rows: rows) }
      header = JSONImportRows.header(columns: json.columns, rows: rows)
      jsonRows = try PostgresJSON(encoding: StoredJSONRows(columns: header, rows: rows))
      source = .api
    case nil:
      throw ServiceErrors.invalid(.fileEmpty, field: "payload", "give an upload_id or rows")
    }
    let definitions = try await directory.customFields(organizationID: org)
    let mapped = try ServiceErrors.domain {
      try ImportHeader(
        header, target: target, key: key, customFields: definitions, defaultCountry: country)
    }
    return try await pool.withTransaction { connection in
      // C32: one running import per organization and at most 5 waiting.
      _ = try await connection.query(
        "SELECT pg_advisory_xact_lock(hashtext('contacts.import.queue'), \(Int32(truncatingIfNeeded: org)))"
      )
      let pending = try await connection.query(
        "SELECT count(*) AS n FROM import_task WHERE organization_id = \(org) AND status = 'pending'"
      )[0]
      .decode("n", as: Int64.self)
      try ServiceErrors.domain { try ImportLimits.admit(pendingCount: Int(pending)) }
      let rows = try await connection.query(
        """
        INSERT INTO import_task (organization_id, target, channel_id, key, default_country, source, status,
          file_name, upload_id, json_rows, header, warnings, idempotency_key, created_by, next_record)
        VALUES (\(org), \(target.rawValue), \(channel.id), \(key.rawValue), \(country), \(source.rawValue), 'pending',
          \(fileName), \(uploadID), \(jsonRows), \(try PostgresJSON(encoding: mapped.names)),
          \(try PostgresJSON(encoding: mapped.warnings)), \(request.idempotencyKey.isEmpty ? nil : request.idempotencyKey),
          \(actor), \(Int64(source == .api ? 1 : 2)))
        RETURNING \(unescaped: ImportTaskRecord.selectList)
        """)
      return try ImportTaskRecord(rows[0]).message
    }
  }

  /// The header row of an upload (checked synchronously at creation, C17).
  func firstRecord(uploadID: Int64) async throws -> [String] {
    var reader = CSVReader()
    var header: [String]?
    var seq: Int32 = 0
    struct Done: Error {}
    do {
      while header == nil {
        let rows = try await pool.query(
          "SELECT data FROM upload_chunk WHERE upload_id = \(uploadID) AND seq = \(seq)")
        guard let row = rows.first else { break }
        try reader.feed(try row.decode("data", as: Data.self)) { record in
          header = record.fields
          throw Done()
        }
        seq += 1
      }
      if header == nil { try reader.finish { header = $0.fields } }
    } catch is Done {
    } catch let error as CSVError {
      throw ServiceErrors.invalid(error.reason, field: "file", error.message)
    }
    guard let header, !(header.count == 1 && header[0].isEmpty) else {
      throw ServiceErrors.invalid(.fileEmpty, field: "file", "the file has no header row")
    }
    return header
  }

  // MARK: Reads

  func record(_ id: Int64, org: Int64) async throws -> ImportTaskRecord {
    let rows = try await pool.query(
      "SELECT \(unescaped: ImportTaskRecord.selectList) FROM import_task WHERE id = \(id) AND organization_id = \(org)"
    )
    guard let row = rows.first else { throw Self.notFound }
    return try ImportTaskRecord(row)
  }

  func task(idempotencyKey: String, org: Int64) async throws -> ImportTaskRecord? {
    let rows = try await pool.query(
      """
      SELECT \(unescaped: ImportTaskRecord.selectList) FROM import_task
      WHERE organization_id = \(org) AND idempotency_key = \(idempotencyKey) AND created_at > now() - interval '24 hours'
      """)
    return try rows.first.map(ImportTaskRecord.init)
  }

  func task(_ id: Int64, organizationID: Int64) async throws -> Maac_Contacts_V1_ImportTask {
    try await record(id, org: organizationID).message
  }

  func list(_ request: Maac_Contacts_V1_ListImportTasksRequest, organizationID org: Int64)
    async throws
    -> Maac_Contacts_V1_ListImportTasksResponse
  {
    let size = try ServiceErrors.domain { try PageSize.resolve(request.pageSize) }
    let statuses: [String] = request.statuses.compactMap {
      switch $0 {
      case .pending: "pending"
      case .running: "running"
      case .succeeded: "completed"
      case .failed: "failed"
      default: nil
      }
    }
    let print = Fingerprint.of(["imports"] + statuses)
    var beforeID: Int64?
    if !request.pageToken.isEmpty {
      beforeID = try ServiceErrors.domain {
        try PageToken.decode(request.pageToken, fingerprint: print, now: Date()).lastID
      }
    }
    let rows = try await pool.query(
      """
      SELECT \(unescaped: ImportTaskRecord.selectList) FROM import_task
      WHERE organization_id = \(org) AND (cardinality(\(statuses)::text[]) = 0 OR status = ANY(\(statuses)::text[]))
        AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
      ORDER BY id DESC LIMIT \(Int64(size + 1))
      """)
    let tasks = try rows.prefix(size).map(ImportTaskRecord.init)
    var response = Maac_Contacts_V1_ListImportTasksResponse()
    response.tasks = tasks.map(\.message)
    if rows.count > size, let last = tasks.last {
      response.nextPageToken =
        PageToken(
          asOfMicros: Int64(Date().timeIntervalSince1970 * 1e6), lastCreatedAtMicros: 0,
          lastID: last.id, fingerprint: print
        )
        .encoded
    }
    return response
  }

  func rows(_ request: Maac_Contacts_V1_ListImportRowResultsRequest, organizationID org: Int64)
    async throws
    -> Maac_Contacts_V1_ListImportRowResultsResponse
  {
    _ = try await record(request.taskID, org: org)
    let size = try ServiceErrors.domain { try PageSize.resolve(request.pageSize) }
    let outcomes: [String] = request.outcomes.compactMap {
      switch $0 {
      case .created: "created"
      case .updated: "updated"
      case .skipped: "skipped"
      case .failed: "failed"
      default: nil
      }
    }
    let print = Fingerprint.of(
      ["rows", String(request.taskID), String(request.onlyWithIssues)] + outcomes)
    var afterRow: Int64 = 0
    if !request.pageToken.isEmpty {
      afterRow = try ServiceErrors.domain {
        try PageToken.decode(request.pageToken, fingerprint: print, now: Date()).lastID
      }
    }
    // Rows stored one by one, merged with rows stored as runs (ImportRowRun, never with
    // issues); each side reads at most one page: runs hold consecutive rows, so the first
    // `size + 1` runs after the cursor, sliced to `size + 1` rows each, cover the page.
    let limit = Int64(size + 1)
    let rows = try await pool.query(
      """
      SELECT row_number, outcome, contact_id, key_value, issues FROM (
        SELECT row_number, outcome, contact_id, key_value, issues FROM import_row_result
        WHERE task_id = \(request.taskID) AND row_number > \(afterRow)
          AND (cardinality(\(outcomes)::text[]) = 0 OR outcome = ANY(\(outcomes)::text[]))
          AND (NOT \(request.onlyWithIssues) OR issues <> '[]'::jsonb)
        ORDER BY row_number LIMIT \(limit)) single
      UNION ALL
      SELECT r.lo + u.i - 1, r.outcome, u.contact_id, u.key_value, '[]'::jsonb FROM (
        SELECT outcome, first_row, lo, least(last_row, lo + \(limit) - 1) AS hi, contact_ids, key_values
        FROM (SELECT *, greatest(first_row, \(afterRow) + 1) AS lo FROM import_row_run
          WHERE task_id = \(request.taskID) AND last_row > \(afterRow)
            AND NOT \(request.onlyWithIssues)
            AND (cardinality(\(outcomes)::text[]) = 0 OR outcome = ANY(\(outcomes)::text[]))
          ORDER BY first_row LIMIT \(limit)) runs) r,
        LATERAL unnest(r.contact_ids[r.lo - r.first_row + 1 : r.hi - r.first_row + 1],
          r.key_values[r.lo - r.first_row + 1 : r.hi - r.first_row + 1])
          WITH ORDINALITY AS u(contact_id, key_value, i)
      ORDER BY row_number LIMIT \(limit)
      """)
    var response = Maac_Contacts_V1_ListImportRowResultsResponse()
    response.rows = try rows.prefix(size).map { row in
      var result = Maac_Contacts_V1_RowResult()
      result.rowNumber = try row.decode("row_number", as: Int64.self)
      result.outcome =
        switch try row.decode("outcome", as: String.self) {
        case "created": .created
        case "updated": .updated
        case "skipped": .skipped
        default: .failed
        }
      if let id = try row.decode("contact_id", as: Int64?.self) { result.contactID = id }
      result.keyValue = try row.decode("key_value", as: String.self)
      result.issues = try row.decode("issues", as: PostgresJSON.self).decode([ImportIssue].self)
        .map(ImportTaskRecord.issue)
      return result
    }
    if rows.count > size, let last = response.rows.last {
      response.nextPageToken =
        PageToken(
          asOfMicros: Int64(Date().timeIntervalSince1970 * 1e6), lastCreatedAtMicros: 0,
          lastID: last.rowNumber, fingerprint: print
        )
        .encoded
    }
    return response
  }

  /// The failure report CSV (C17).
  func failureReport(_ id: Int64, organizationID org: Int64) async throws -> String {
    let task = try await record(id, org: org)
    let rows = try await pool.query(
      """
      SELECT row_number, outcome, issues, cells FROM import_row_result
      WHERE task_id = \(id) AND (outcome IN ('skipped','failed') OR issues <> '[]'::jsonb)
      ORDER BY row_number
      """)
    var writer = CSVWriter()
    writer.append(ImportFailureReport.header(task.header))
    for row in rows {
      let cells = try row.decode("cells", as: PostgresJSON?.self)?.decode([String].self) ?? []
      let outcome = RowOutcome(rawValue: try row.decode("outcome", as: String.self)) ?? .failed
      let issues = try row.decode("issues", as: PostgresJSON.self).decode([ImportIssue].self)
      let padded =
        cells.count < task.header.count
        ? cells + Array(repeating: "", count: task.header.count - cells.count) : cells
      writer.append(
        ImportFailureReport.line(
          cells: Array(padded.prefix(max(task.header.count, 0))),
          rowNumber: Int(try row.decode("row_number", as: Int64.self)), outcome: outcome,
          issues: issues))
    }
    return writer.text
  }
}
