/// Status of an import task: `pending → running → complete | failed` (U40).
public enum ImportTaskStatus: String, Sendable, Hashable, Codable {
  case pending
  case running
  case complete
  case failed

  public var isActive: Bool { self == .pending || self == .running }

  public func canMove(to next: ImportTaskStatus) -> Bool {
    switch (self, next) {
    case (.pending, .running), (.pending, .failed), (.running, .complete), (.running, .failed):
      true
    default: false
    }
  }
}

/// One row of an import (U41): an existing member and field updates.
public struct ImportRowInput: Sendable, Hashable {
  public var memberID: Int64
  public var updates: [ProfileFieldUpdate]

  public init(memberID: Int64, updates: [ProfileFieldUpdate]) {
    self.memberID = memberID
    self.updates = updates
  }
}

/// A row that failed inside a task (U41): the task continues.
public struct ImportRowError: Error, Sendable, Hashable, Codable {
  public enum Code: String, Sendable, Hashable, Codable {
    case memberNotFound = "member_not_found"
    case invalidValue = "invalid_value"
    case notEditable = "not_editable"
  }

  /// 1-based row number.
  public var row: Int
  public var memberID: Int64
  public var code: Code
  public var message: String

  public init(row: Int, memberID: Int64, code: Code, message: String) {
    self.row = row
    self.memberID = memberID
    self.code = code
    self.message = message
  }
}

/// Progress counters of a task (U40): every handled row counts as processed, failed ones
/// also as failed; only the first 100 errors are kept.
public struct ImportProgress: Sendable, Hashable, Codable {
  public static let maximumKeptErrors = 100
  public var totalRows: Int
  public var processedRows = 0
  public var failedRows = 0
  public var errors: [ImportRowError] = []

  public init(totalRows: Int) { self.totalRows = totalRows }

  public mutating func record(_ result: Result<Void, ImportRowError>) {
    processedRows += 1
    if case .failure(let error) = result {
      failedRows += 1
      if errors.count < Self.maximumKeptErrors { errors.append(error) }
    }
  }
}

/// Submission rules of import tasks (U40, cdh.md §7 SubmitImportTask).
public enum ImportTaskRules {
  public static let maximumRows = 100_000

  /// Validates the request's rows as a whole.
  public static func validateSubmission(_ rows: [ImportRowInput]) throws(DomainError) {
    guard !rows.isEmpty else { throw .invalidArgument(field: "rows", "rows must not be empty") }
    guard rows.count <= maximumRows else {
      throw .invalidArgument(field: "rows", "too many rows (max \(maximumRows))")
    }
    for (index, row) in rows.enumerated() where row.memberID <= 0 || row.updates.isEmpty {
      throw .invalidArgument(
        field: "rows[\(index)]", "row \(index + 1): member_id and updates are required")
    }
  }

  /// U40: one pending or running task per scope.
  public static func checkConcurrency(activeTasksInScope: Int) throws(DomainError) {
    if activeTasksInScope > 0 {
      throw .resourceExhausted("an import task is already pending or running for this scope")
    }
  }
}

extension UnificationEngine {
  /// U41: applies one import row like an entity-level change with origin `import` on that
  /// entity only; empty values are ignored, explicit clears applied; unknown members and
  /// bad values fail the row alone.
  public mutating func applyImportRow(
    _ row: ImportRowInput, number: Int, org: OrgRef, taskID: Int64, actor: Actor, now: Instant
  ) -> Result<EngineChanges, ImportRowError> {
    let member = MemberRef(org.source, row.memberID)
    guard let entity = liveEntity(member), entity.org == org else {
      return .failure(
        ImportRowError(
          row: number, memberID: row.memberID, code: .memberNotFound, message: "member not found"))
    }
    var accepted: [ProfileFieldUpdate] = []
    for update in row.updates {
      if let value = update.value, value.allSatisfy(\.isWhitespace) { continue }
      switch ProfileField.validateProfileWrite(
        field: update.field, value: update.value, country: country(of: org))
      {
      case .success(let stored):
        accepted.append(ProfileFieldUpdate(field: update.field, value: stored))
      case .failure(.unknownField), .failure(.notEditable):
        return .failure(
          ImportRowError(
            row: number, memberID: row.memberID, code: .notEditable,
            message: "field is not editable: \(update.field)"))
      case .failure(.invalidValue(let reason)):
        return .failure(
          ImportRowError(
            row: number, memberID: row.memberID, code: .invalidValue,
            message: "invalid value for \(update.field): \(reason)"))
      }
    }
    var changes = EngineChanges()
    let cause = RegroupCause(type: .memberImport, actor: actor, correlationID: String(taskID))
    var graphChanged = false
    var fields: [String] = []
    for update in accepted {
      let previous = entity.attributes[update.field]?.value
      let value = AttributeValue(
        value: update.value, sourceTimestamp: now, arrivedTimestamp: now, origin: .import)
      let (valueChanged, edgeChanged) = write(update.field, value, of: member, changes: &changes)
      if edgeChanged { graphChanged = true }
      fields.append(update.field)
      if valueChanged {
        changes.audit.append(
          auditEntry(
            .importApplied, member: member, profileID: profileOf[member], attribute: update.field,
            previousValue: previous, newValue: update.value, cause: cause, now: now,
            occurredAt: now))
      }
    }
    var outcome = RegroupOutcome()
    if graphChanged { outcome = regroupAround([member], cause: cause, now: now, changes: &changes) }
    if let profile = profile(of: member) {
      let view = ProfileCoalescer.view(of: members(profile.members))
      let resync: Set<Int64> =
        holdsDifferentValue(member, fields: fields, view: view) ? [profile.id] : []
      publish(
        graphChanged ? outcome.profileIDs : [profile.id], outcome: outcome, resync: resync,
        cause: cause, now: now, changes: &changes)
    }
    return .success(changes)
  }
}
