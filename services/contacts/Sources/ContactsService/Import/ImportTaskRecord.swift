import ContactsDomain
import Foundation
import MAACContracts
import PostgresClient

/// An `import_task` row.
struct ImportTaskRecord: Sendable {
  var id: Int64
  var organizationID: Int64
  var target: ImportTarget
  var channelID: Int64
  var key: ImportKey
  var defaultCountry: String?
  var source: ImportSource
  var status: TaskStatus
  var fileName: String
  var uploadID: Int64?
  var jsonRows: PostgresJSON?
  var header: [String]
  var counts: ImportCounts
  var nextRecord: Int64
  var warnings: [ImportIssue]
  var error: ImportIssue?
  var createdBy: String
  var createdAt: Date
  var startedAt: Date?
  var finishedAt: Date?

  static let selectList = """
    id, organization_id, target, channel_id, key, default_country, source, status, file_name, upload_id, json_rows,
    header, total_rows, processed_rows, created_count, updated_count, skipped_count, failed_count, rows_with_issues,
    next_record, warnings, error, created_by, created_at, started_at, finished_at
    """

  init(_ row: PostgresRow) throws {
    id = try row.decode("id", as: Int64.self)
    organizationID = try row.decode("organization_id", as: Int64.self)
    target = ImportTarget(rawValue: try row.decode("target", as: String.self)) ?? .line
    channelID = try row.decode("channel_id", as: Int64.self)
    key = ImportKey(rawValue: try row.decode("key", as: String.self)) ?? .lineUID
    defaultCountry = try row.decode("default_country", as: String?.self)
    source = ImportSource(rawValue: try row.decode("source", as: String.self)) ?? .ui
    status = TaskStatus(rawValue: try row.decode("status", as: String.self)) ?? .failed
    fileName = try row.decode("file_name", as: String.self)
    uploadID = try row.decode("upload_id", as: Int64?.self)
    jsonRows = try row.decode("json_rows", as: PostgresJSON?.self)
    header = try row.decode("header", as: PostgresJSON?.self)?.decode([String].self) ?? []
    var counts = ImportCounts()
    counts.totalRows = try row.decode("total_rows", as: Int64.self)
    counts.processedRows = try row.decode("processed_rows", as: Int64.self)
    counts.created = try row.decode("created_count", as: Int64.self)
    counts.updated = try row.decode("updated_count", as: Int64.self)
    counts.skipped = try row.decode("skipped_count", as: Int64.self)
    counts.failed = try row.decode("failed_count", as: Int64.self)
    counts.rowsWithIssues = try row.decode("rows_with_issues", as: Int64.self)
    self.counts = counts
    nextRecord = try row.decode("next_record", as: Int64.self)
    warnings = try row.decode("warnings", as: PostgresJSON.self).decode([ImportIssue].self)
    error = try row.decode("error", as: PostgresJSON?.self)?.decode(ImportIssue.self)
    createdBy = try row.decode("created_by", as: String.self)
    createdAt = try row.decode("created_at", as: Date.self)
    startedAt = try row.decode("started_at", as: Date?.self)
    finishedAt = try row.decode("finished_at", as: Date?.self)
  }

  var message: Maac_Contacts_V1_ImportTask {
    var task = Maac_Contacts_V1_ImportTask()
    task.taskID = id
    task.target = ImportService.target(target)
    task.channelID = channelID
    task.key = ImportService.key(key)
    task.defaultCountry = defaultCountry ?? ""
    task.source = source == .ui ? .ui : .api
    task.status =
      switch status {
      case .pending: .pending
      case .running: .running
      case .completed: .succeeded
      case .failed: .failed
      }
    task.fileName = fileName
    task.totalRows = counts.totalRows
    task.processedRows = counts.processedRows
    task.createdCount = counts.created
    task.updatedCount = counts.updated
    task.skippedCount = counts.skipped
    task.failedCount = counts.failed
    task.rowsWithIssues = counts.rowsWithIssues
    task.warnings = warnings.map(Self.issue)
    if let error { task.error = Self.issue(error) }
    task.createdBy = createdBy
    task.createdAt = ContactMapping.timestamp(createdAt)
    if let startedAt { task.startedAt = ContactMapping.timestamp(startedAt) }
    if let finishedAt { task.finishedAt = ContactMapping.timestamp(finishedAt) }
    return task
  }

  static func issue(_ issue: ImportIssue) -> Maac_Contacts_V1_Issue {
    var message = Maac_Contacts_V1_Issue()
    message.code = issue.code
    message.column = issue.column
    message.message = issue.message
    message.blocking = issue.blocking
    message.columns = issue.columns
    return message
  }
}

/// JSON rows as stored with an API import task.
struct StoredJSONRows: Codable, Sendable {
  var columns: [String]
  var rows: [[String: String]]
}
