import ContactsDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit

/// Applies one batch of import rows in one transaction (C17, C31, C34): contacts, their
/// history and events, the row results, the tag requests and the task's progress.
struct ImportBatchApplier: Sendable {
  let pool: PostgresPool
  let outbox: Outbox
  let task: ImportTaskRecord
  let header: ImportHeader
  let domainResolver: any EmailDomainResolver
  /// The organization's zone, in which `consent_at` cells are read (C40).
  let timeZone: TimeZone

  /// Another worker advanced the task: this one stops without writing.
  struct Superseded: Error {}

  /// A batch validated and ready to plan: the CPU work that needs no database, done while the
  /// previous batch is being applied.
  struct Prepared: Sendable {
    var rows: [(number: Int, cells: [String], verdict: ImportRowVerdict)]
    /// Distinct match keys of the ready rows.
    var keys: [String]
    /// The resume point after this batch.
    var next: Int64
    var context: ImportContext
  }

  /// Validates `records` (C34: every cell of a row before anything of it is written).
  func prepare(_ records: [CSVRecord]) -> Prepared {
    let now = Date().microsecondPrecision
    let context = ImportContext(
      target: task.target, key: task.key, channelID: task.channelID,
      defaultCountry: task.defaultCountry,
      timeZone: timeZone, now: now)
    let rows = records.filter { !$0.isBlank }.map { record in
      (
        number: record.number, cells: record.fields,
        verdict: ImportRowValidator.validate(record.fields, header: header, context: context)
      )
    }
    var keys: Set<String> = []
    for row in rows {
      if case .ready(let values, _) = row.verdict { keys.insert(values.matchKey) }
    }
    return Prepared(
      rows: rows, keys: Array(keys), next: Int64(records.last!.number) + 1, context: context)
  }

  /// Applies `records` (which start at `expectedNext`) and returns the next resume point.
  func apply(_ records: [CSVRecord], expectedNext: Int64, leaseSeconds: Double) async throws
    -> Int64
  {
    try await apply(prepare(records), expectedNext: expectedNext, leaseSeconds: leaseSeconds)
  }

  /// Applies a prepared batch (which starts at `expectedNext`) and returns the next resume point.
  func apply(_ prepared: Prepared, expectedNext: Int64, leaseSeconds: Double) async throws
    -> Int64
  {
    let context = prepared.context
    let now = context.now
    let planner = ImportPlanner(context: context, organizationID: task.organizationID)
    let rows = prepared.rows
    let keys = prepared.keys
    let next = prepared.next
    let cause = ChangeCause(origin: .import, actor: task.createdBy, correlationID: String(task.id))
    let writer = ContactWriter(outbox: outbox)

    try await pool.withTransaction { connection in
      let state = try await connection.query(
        "SELECT status, next_record FROM import_task WHERE id = \(task.id) FOR UPDATE")
      guard let current = state.first, try current.decode("status", as: String.self) == "running",
        try current.decode("next_record", as: Int64.self) == expectedNext
      else { throw Superseded() }

      let existing = try await candidates(keys: keys, on: connection)
      var plan = planner.plan(rows, existing: existing.map(\.contact))
      if task.target == .email {
        // C39: check the domains of the addresses this batch creates, then plan with the results.
        let domains = Set(plan.newContacts.map { EmailAddress.domainKey($0.externalID) })
        var checks: [String: EmailDomainCheck] = [:]
        for domain in domains { checks[domain] = await domainResolver.check(domain: domain) }
        plan = planner.plan(rows, existing: existing.map(\.contact), domainChecks: checks)
      }

      // New contacts: ids first, then one COPY.
      var created = plan.newContacts
      if !created.isEmpty {
        // One array, in creation order: one row to send and decode instead of one per id.
        let ids = try await connection.query(
          "SELECT array_agg(nextval(s.seq) ORDER BY g) AS ids FROM (SELECT pg_get_serial_sequence('contact', 'id')::regclass AS seq) s, generate_series(1, \(Int64(created.count))) g"
        )[0].decode("ids", as: [Int64].self)
        for index in created.indices {
          created[index].id = ids[index]
          created[index].updatedAt = now
        }
        try await connection.copyIn(into: "contact", columns: ContactRecord.columns) { copy in
          for contact in created {
            try await copy.appendRow {
              try ContactRecord.encode(contact, fieldClocks: [:], into: &$0)
            }
          }
        }
        try await connection.copyIn(into: "contact_history", columns: HistoryStore.columns) {
          copy in
          for contact in created {
            let entry = HistoryEntry(
              contactID: contact.id, occurredAt: now, field: "contact", previousValue: nil,
              newValue: "created",
              cause: cause)
            try await copy.appendRow {
              HistoryStore.encode(entry, organizationID: task.organizationID, into: &$0)
            }
          }
        }
      }
      // C56: imported LINE contacts have no profile name yet; the name-sync worker fetches it.
      // One COPY per batch, in the batch's transaction (nothing enrolled is lost); the contacts
      // are new, so no enrolment can exist yet (an INSERT ... SELECT of the same rows by id
      // cost PostgreSQL about 12 µs per row, #5 Scale).
      func isSyncing(_ contact: Contact) -> Bool {
        contact.channelType == .line && contact.nameSyncState == .syncing
          && contact.channelID != nil
      }
      if created.contains(where: isSyncing) {
        try await connection.copyIn(
          into: "line_name_sync",
          columns: ["organization_id", "contact_id", "channel_id", "line_uid"]
        ) { copy in
          for contact in created where isSyncing(contact) {
            try await copy.appendRow { row in
              row.append(contact.organizationID)
              row.append(contact.id)
              row.append(contact.channelID)
              row.append(contact.externalID)
            }
          }
        }
      }
      // The created contacts' events (one COPY), before the updated ones' as before.
      try await outbox.append(count: created.count, on: connection) { index, sequence in
        ContactEvents.event(
          before: nil, after: created[index],
          changes: AttributeChange.between(nil, created[index]), cause: cause,
          eventID: sequence, at: now, requestID: "")
      }
      // Updated contacts, each with its history and event.
      let clocks = Dictionary(
        existing.map { ($0.contact.id, $0.fieldClocks) }, uniquingKeysWith: { a, _ in a })
      for id in plan.updateOrder {
        guard let change = plan.updates[id] else { continue }
        try await writer.write(
          before: change.before, after: change.after, clocks: clocks[id] ?? [:], cause: cause,
          on: connection)
      }
      // Row results, tag requests, progress.
      func contactID(_ ref: ContactRef?) -> Int64? {
        switch ref {
        case .existing(let id): id
        case .new(let index): created[index].id
        case nil: nil
        }
      }
      var counts = ImportCounts()
      for row in plan.rows { counts.add(row) }
      // Plain created/updated rows as runs (one row per run), the others one row each.
      let (runs, single) = ImportRowRun.split(plan.rows, contactID: contactID)
      if !runs.isEmpty {
        try await connection.copyIn(
          into: "import_row_run",
          columns: ["task_id", "first_row", "last_row", "outcome", "contact_ids", "key_values"]
        ) { copy in
          for run in runs {
            try await copy.appendRow(
              task.id, run.firstRow, run.lastRow, run.outcome.rawValue, run.contactIDs,
              run.keyValues)
          }
        }
      }
      if !single.isEmpty {
        try await connection.copyIn(
          into: "import_row_result",
          columns: [
            "task_id", "row_number", "outcome", "contact_id", "key_value", "issues", "cells",
          ]
        ) { copy in
          for row in single {
            try await copy.appendRow { values in
              values.append(task.id)
              values.append(Int64(row.rowNumber))
              values.append(row.outcome.rawValue)
              values.append(contactID(row.contact))
              values.append(row.keyValue)
              values.append(
                row.issues.isEmpty ? Self.emptyArray : try PostgresJSON(encoding: row.issues))
              // Tagged rows keep their cells too: the tag manager may refuse a name later (C26).
              values.append(
                row.isReported || !row.tags.isEmpty ? try PostgresJSON(encoding: row.cells) : nil)
            }
          }
        }
      }
      let tagged = plan.rows.filter { !$0.tags.isEmpty && contactID($0.contact) != nil }
      if !tagged.isEmpty {
        try await connection.copyIn(
          into: "tag_command",
          columns: [
            "organization_id", "task_id", "row_number", "contact_id", "tag_names", "created_via",
            "tagged_via",
          ]
        ) { copy in
          for row in tagged {
            try await copy.appendRow(values: [
              task.organizationID, task.id, Int64(row.rowNumber), contactID(row.contact)!, row.tags,
              task.source.tagCreatedVia, task.source.taggedVia,
            ])
          }
        }
      }
      _ = try await connection.execute(
        """
        UPDATE import_task SET processed_rows = processed_rows + \(counts.processedRows),
          created_count = created_count + \(counts.created), updated_count = updated_count + \(counts.updated),
          skipped_count = skipped_count + \(counts.skipped), failed_count = failed_count + \(counts.failed),
          rows_with_issues = rows_with_issues + \(counts.rowsWithIssues), next_record = \(next),
          lease_until = now() + make_interval(secs => \(leaseSeconds))
        WHERE id = \(task.id)
        """)
    }
    return next
  }

  static let emptyArray = PostgresJSON("[]")

  /// Every stored candidate of the batch's keys in this import's scopes (C21), locked.
  func candidates(keys: [String], on connection: PostgresConnection) async throws
    -> [(contact: Contact, fieldClocks: [String: Date])]
  {
    guard !keys.isEmpty else { return [] }
    var result: [(contact: Contact, fieldClocks: [String: Date])] = []
    var seen: Set<Int64> = []
    for scope in ImportMatchScope.scopes(
      target: task.target, key: task.key, channelID: task.channelID)
    {
      let column =
        switch scope.field {
        case .primaryKey: "external_id"
        case .displayMobile: "display_mobile"
        case .customerID: "customer_id"
        }
      let rows = try await connection.query(
        """
        SELECT \(ContactRecord.selectList) FROM contact
        WHERE organization_id = $1 AND channel_type = $2 AND ($3::bigint IS NULL OR channel_id = $3)
          AND \(column) = ANY($4::text[]) AND deleted_at IS NULL
        ORDER BY id FOR UPDATE
        """, [task.organizationID, scope.channelType.rawValue, scope.channelID, keys])
      for row in rows {
        let decoded = try ContactRecord.decode(row)
        if seen.insert(decoded.contact.id).inserted { result.append(decoded) }
      }
    }
    return result
  }
}
