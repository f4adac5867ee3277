import ContactsDomain

/// Consecutive row results of one import batch that carry nothing but their outcome, contact and
/// key (created or updated, no issue, no tag), stored as one `import_row_run` row (#5 Scale).
///
/// Every other row result keeps its own `import_row_result` row; `ListImportRowResults` merges
/// both in row order, so callers see the same rows as before (C17).
struct ImportRowRun: Equatable, Sendable {
  var firstRow: Int64
  var outcome: RowOutcome
  var contactIDs: [Int64] = []
  var keyValues: [String] = []

  var lastRow: Int64 { firstRow + Int64(contactIDs.count) - 1 }

  /// Whether `row` may be stored in a run: the failure report never lists it (C17) and the tag
  /// manager will never add an issue to it (C26).
  static func isCompact(_ row: PlannedRow) -> Bool {
    (row.outcome == .created || row.outcome == .updated) && row.issues.isEmpty && row.tags.isEmpty
      && row.contact != nil
  }

  /// Splits `rows` (in row order) into runs of compact rows with consecutive row numbers and one
  /// outcome, and the rows that need their own result row.
  static func split(_ rows: [PlannedRow], contactID: (ContactRef?) -> Int64?) -> (
    runs: [ImportRowRun], single: [PlannedRow]
  ) {
    var runs: [ImportRowRun] = []
    var single: [PlannedRow] = []
    for row in rows {
      guard isCompact(row), let id = contactID(row.contact) else {
        single.append(row)
        continue
      }
      let number = Int64(row.rowNumber)
      if let last = runs.last, last.outcome == row.outcome, last.lastRow + 1 == number {
        runs[runs.count - 1].contactIDs.append(id)
        runs[runs.count - 1].keyValues.append(row.keyValue)
      } else {
        runs.append(
          ImportRowRun(
            firstRow: number, outcome: row.outcome, contactIDs: [id], keyValues: [row.keyValue]))
      }
    }
    return (runs, single)
  }
}
