import Foundation

/// Import/export task status (§2.5); only moves forward (C17).
public enum TaskStatus: String, CaseIterable, Hashable, Sendable, Codable {
  case pending
  case running
  case completed
  case failed

  /// pending → running → completed | failed; a task may also fail while pending (file check).
  public func canMove(to next: TaskStatus) -> Bool {
    switch (self, next) {
    case (.pending, .running), (.pending, .failed), (.running, .completed), (.running, .failed):
      true
    default: false
    }
  }

  public var isFinished: Bool { self == .completed || self == .failed }
}

/// How the rows arrived (§2.5).
public enum ImportSource: String, Hashable, Sendable, Codable {
  /// Multipart CSV from the UI.
  case ui
  /// JSON rows from the API.
  case api

  /// `created_via` of tags an import creates (C26).
  public var tagCreatedVia: String { self == .ui ? "maac" : "api" }
  /// `tagged_via` of tags an import attaches (C26).
  public var taggedVia: String { self == .ui ? "import" : "open_api" }
}

/// Progress counters of an import (§2.5); visible while running (C17).
public struct ImportCounts: Hashable, Sendable, Codable {
  public var totalRows: Int64 = 0
  public var processedRows: Int64 = 0
  public var created: Int64 = 0
  public var updated: Int64 = 0
  public var skipped: Int64 = 0
  public var failed: Int64 = 0
  public var rowsWithIssues: Int64 = 0

  public init() {}

  /// Counts one processed row.
  public mutating func add(_ row: PlannedRow) {
    processedRows += 1
    switch row.outcome {
    case .created: created += 1
    case .updated: updated += 1
    case .skipped: skipped += 1
    case .failed: failed += 1
    }
    if (row.outcome == .created || row.outcome == .updated) && !row.issues.isEmpty {
      rowsWithIssues += 1
    }
  }
}

/// Limits of imports (C30, C32, §9 Q25).
public enum ImportLimits {
  public static let maxFileBytes = 100 * 1024 * 1024
  public static let maxRows = 1_000_000
  public static let maxJSONRows = 1_000
  /// Pending tasks per organization besides the running one (C32).
  public static let maxPending = 5

  /// C32: with `maxPending` tasks already waiting a new one is refused.
  public static func admit(pendingCount: Int) throws(DomainError) {
    if pendingCount >= maxPending {
      throw DomainError(
        .resourceExhausted, .importQueueFull, field: nil,
        message: "\(pendingCount) imports are already waiting; try again when one has finished")
    }
  }

  /// C30: size limit of an upload.
  public static func checkSize(_ bytes: Int, field: String = "file") throws(DomainError) {
    if bytes == 0 { throw .invalid(.fileEmpty, field: field, "the file is empty") }
    if bytes > maxFileBytes {
      throw .invalid(.fileTooLarge, field: field, "the file is larger than 100 MiB")
    }
  }
}

/// The file-level check that runs before any row is applied (C30).
public struct ImportFileCheck: Hashable, Sendable {
  /// The header cells.
  public var header: [String]
  /// Data rows (blank lines excluded).
  public var dataRows: Int

  /// Reads the whole file once: valid UTF-8, well-formed CSV, a header and at least one data row,
  /// at most 1,000,000 data rows. Throws `CSVError` for encoding/quoting (task fails) and
  /// `DomainError` for `FILE_EMPTY` / `TOO_MANY_ROWS`.
  public static func run<Chunks: Sequence>(_ chunks: Chunks) throws -> ImportFileCheck
  where Chunks.Element: Sequence<UInt8> {
    var reader = CSVReader()
    var header: [String]?
    var rows = 0
    let onRecord: (CSVRecord) -> Void = { record in
      if header == nil {
        header = record.fields
      } else if !record.isBlank {
        rows += 1
      }
    }
    for chunk in chunks { try reader.feed(chunk, onRecord: onRecord) }
    try reader.finish(onRecord: onRecord)
    guard let header, rows > 0 else {
      throw DomainError.invalid(
        .fileEmpty, field: "file", "the file has no data row below its header")
    }
    if rows > ImportLimits.maxRows {
      throw DomainError.invalid(
        .tooManyRows, field: "file", "the file has \(rows) rows; at most 1,000,000 are allowed")
    }
    return ImportFileCheck(header: header, dataRows: rows)
  }
}

/// JSON rows of an API import (§2.5): header names → cells, numbered index + 1.
public enum JSONImportRows {
  public static func records(columns: [String], rows: [[String: String]]) throws(DomainError)
    -> [CSVRecord]
  {
    if rows.isEmpty { throw .invalid(.fileEmpty, field: "rows", "rows must not be empty") }
    if rows.count > ImportLimits.maxJSONRows {
      throw .invalid(.tooManyRows, field: "rows", "at most 1,000 rows per call; got \(rows.count)")
    }
    let names = header(columns: columns, rows: rows)
    return rows.enumerated().map { index, row in
      CSVRecord(number: index + 1, fields: names.map { row[$0] ?? "" })
    }
  }

  /// The header a JSON import is read with.
  public static func header(columns: [String], rows: [[String: String]]) -> [String] {
    columns.isEmpty ? Array(Set(rows.flatMap(\.keys))).sorted() : columns
  }
}

/// The failure report (C17): every skipped or failed row and every row with issues, with its
/// original cells plus `row_number`, `outcome` and `errors`.
public enum ImportFailureReport {
  public static func header(_ names: [String]) -> [String] {
    names + ["row_number", "outcome", "errors"]
  }

  public static func line(
    cells: [String], rowNumber: Int, outcome: RowOutcome, issues: [ImportIssue]
  ) -> [String] {
    let errors = issues.map { issue in
      issue.column.isEmpty
        ? "\(issue.code): \(issue.message)" : "\(issue.code) (\(issue.column)): \(issue.message)"
    }.joined(separator: "; ")
    return cells + [String(rowNumber), outcome.rawValue, errors]
  }

  /// A whole report as CSV text.
  public static func csv(header names: [String], rows: [PlannedRow]) -> String {
    var writer = CSVWriter()
    writer.append(header(names))
    for row in rows where row.isReported {
      writer.append(
        line(cells: row.cells, rowNumber: row.rowNumber, outcome: row.outcome, issues: row.issues))
    }
    return writer.text
  }
}

/// `GetImportTemplate` (§2.4): the target's header row followed by the custom-field labels.
public enum ImportTemplate {
  public static func csv(target: ImportTarget, customFields: [CustomFieldDefinition]) -> String {
    var writer = CSVWriter()
    writer.append(ImportColumn.templateHeaders(for: target) + customFields.map(\.label))
    return writer.text
  }
}
