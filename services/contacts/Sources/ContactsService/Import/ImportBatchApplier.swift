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

  /// A batch validated and ready to apply: the work that needs no lock, done while the
  /// previous batch is being applied.
  struct Prepared: Sendable {
    var rows: [(number: Int, cells: [String], verdict: ImportRowVerdict)]
    /// Distinct match keys of the ready rows.
    var keys: [String]
    /// The resume point after this batch.
    var next: Int64
    var context: ImportContext
    /// Contact ids reserved for the batch, one per ready row (a row creates at most one
    /// contact); the ones left unused are gaps in the sequence.
    var ids: [Int64]
    /// The plan if none of the keys is stored yet, the common case of a bulk load.
    var speculation: Speculation?
  }

  /// A batch planned against no stored contacts, with its created contacts' ids and their
  /// events' payloads (without event ids): what the transaction uses when the candidate lookup
  /// finds nothing, so that it only has to store bytes.
  struct Speculation: Sendable {
    var plan: ImportBatchPlan
    var createdPayloads: [Data]
  }

  /// Validates `records` (C34: every cell of a row before anything of it is written),
  /// reserves the batch's contact ids and, unless email domains must be checked first (C39),
  /// plans it as if none of its keys were stored.
  func prepare(_ records: [CSVRecord]) async throws -> Prepared {
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
    var ready = 0
    for row in rows {
      if case .ready(let values, _) = row.verdict {
        keys.insert(values.matchKey)
        ready += 1
      }
    }
    let ids = try await reserveIDs(ready)
    var speculation: Speculation?
    if task.target != .email {
      var plan = ImportPlanner(context: context, organizationID: task.organizationID).plan(
        rows, existing: [])
      try Self.assign(ids, to: &plan, at: now)
      speculation = Speculation(
        plan: plan,
        createdPayloads: try plan.newContacts.map(
          CreatedEventEncoder(cause: cause, at: now).payload(for:)))
    }
    return Prepared(
      rows: rows, keys: Array(keys), next: Int64(records.last!.number) + 1, context: context,
      ids: ids, speculation: speculation)
  }

  /// Why this task's rows change contacts (history and events).
  var cause: ChangeCause {
    ChangeCause(origin: .import, actor: task.createdBy, correlationID: String(task.id))
  }

  /// `count` new contact ids, in one array (one row to send and decode, not one per id).
  func reserveIDs(_ count: Int) async throws -> [Int64] {
    guard count > 0 else { return [] }
    // The sequence is resolved once (MATERIALIZED): inlined, the name lookup and the regclass
    // cast ran per id and cost PostgreSQL 3 µs of the 3.6 µs per id (#5 Scale).
    return try await pool.query(
      """
      WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('contact', 'id')::regclass AS seq)
      SELECT array_agg(nextval(s.seq) ORDER BY g) AS ids
      FROM s, generate_series(1, \(Int64(count))) g
      """
    )[0].decode("ids", as: [Int64].self)
  }

  /// Gives the plan's new contacts their ids, in creation order.
  static func assign(_ ids: [Int64], to plan: inout ImportBatchPlan, at now: Date) throws {
    guard plan.newContacts.count <= ids.count else {
      throw ServiceError(
        .internal,
        "an import batch plans \(plan.newContacts.count) new contacts for \(ids.count) ready rows")
    }
    for index in plan.newContacts.indices {
      plan.newContacts[index].id = ids[index]
      plan.newContacts[index].updatedAt = now
    }
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
    let cause = self.cause
    let writer = ContactWriter(outbox: outbox)

    try await pool.withTransaction { connection in
      let state = try await connection.query(
        "SELECT status, next_record FROM import_task WHERE id = \(task.id) FOR UPDATE")
      guard let current = state.first, try current.decode("status", as: String.self) == "running",
        try current.decode("next_record", as: Int64.self) == expectedNext
      else { throw Superseded() }

      let existing = try await candidates(keys: keys, on: connection)
      var plan: ImportBatchPlan
      var createdPayloads: [Data]?
      if existing.isEmpty, let speculation = prepared.speculation {
        // Planned against no stored contacts, and none is stored: the same plan.
        plan = speculation.plan
        createdPayloads = speculation.createdPayloads
      } else {
        plan = planner.plan(rows, existing: existing.map(\.contact))
        if task.target == .email {
          // C39: check the domains of the addresses this batch creates, then plan with them.
          let domains = Set(plan.newContacts.map { EmailAddress.domainKey($0.externalID) })
          var checks: [String: EmailDomainCheck] = [:]
          for domain in domains { checks[domain] = await domainResolver.check(domain: domain) }
          plan = planner.plan(rows, existing: existing.map(\.contact), domainChecks: checks)
        }
        try Self.assign(prepared.ids, to: &plan, at: now)
      }

      // New contacts: one COPY, then their history.
      let created = plan.newContacts
      if !created.isEmpty {
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
      let payloads =
        try createdPayloads
        ?? created.map(CreatedEventEncoder(cause: cause, at: now).payload(for:))
      try await outbox.append(count: created.count, on: connection) {
        index, sequence -> EncodedOutboundEvent in
        EncodedOutboundEvent(
          eventType: ContactEvents.created, organizationID: task.organizationID, requestID: "",
          payloadType: Maac_Contacts_V1_ContactCreated.self,
          payload: try ContactEvents.stamped(payloads[index], eventID: sequence))
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

  /// Leaves the planner index scans only, for ``candidateIDs(column:)``; ``defaultPlan``
  /// undoes it at once.
  static let probePlan = "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"
  static let defaultPlan = "RESET enable_seqscan; RESET enable_bitmapscan"

  /// The ids of the live contacts whose `column` is one of the keys `$4`, in organization `$1`,
  /// of channel type `$2` and channel `$3` (any channel when NULL): one index probe per key.
  ///
  /// The shape fixes the plan whatever the statistics say, which matters because an import
  /// fills the table faster than autovacuum analyzes it and a new organization is rare in any
  /// statistics. Seen on tables an import was filling: as `column = ANY($4)` the planner made
  /// the keys a filter over the organization's contacts (a scan per batch, so the import grew
  /// quadratic: 90 ms per batch at 150,000 rows against 25 ms of probes; 34 s at 200,000 with
  /// an empty table's statistics); as a join it hashed them, or looped over the contacts and
  /// rescanned the keys for each. The subquery that cannot be flattened (`OFFSET 0`) refers
  /// to the key, so it runs once per key, and with index scans only its quals pick the index
  /// that holds the key (`CandidateLookupPlanTests`).
  static func candidateIDs(column: String) -> String {
    """
    SELECT c.id FROM unnest($4::text[]) AS k(value) CROSS JOIN LATERAL (
      SELECT id FROM contact
      WHERE organization_id = $1 AND channel_type = $2
        AND ($3::bigint IS NULL OR channel_id = $3)
        AND \(column) = k.value AND deleted_at IS NULL
      OFFSET 0) c
    """
  }

  /// Every stored candidate of the batch's keys in this import's scopes (C21), locked.
  ///
  /// Two steps: the ids of the matches (one index probe per key), then the matches locked in
  /// id order, the order every person-level write locks in. As one `... = ANY($4) ORDER BY id
  /// FOR UPDATE` the planner rather walked the primary key in id order, filtering every row
  /// against the keys to save a sort (220 ms per batch at 200,000 rows, and growing).
  func candidates(keys: [String], on connection: PostgresConnection) async throws
    -> [(contact: Contact, fieldClocks: [String: Date])]
  {
    guard !keys.isEmpty else { return [] }
    let keySet = Set(keys)
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
      try await connection.executeScript(Self.probePlan)
      let found = try await connection.query(
        Self.candidateIDs(column: column),
        [task.organizationID, scope.channelType.rawValue, scope.channelID, keys])
      try await connection.executeScript(Self.defaultPlan)
      let ids = try found.map { try $0.decode("id", as: Int64.self) }.filter { !seen.contains($0) }
      guard !ids.isEmpty else { continue }
      let rows = try await connection.query(
        """
        SELECT \(ContactRecord.selectList) FROM contact
        WHERE id = ANY($1::bigint[]) AND organization_id = $2 ORDER BY id FOR UPDATE
        """, [ids, task.organizationID])
      for row in rows {
        let decoded = try ContactRecord.decode(row)
        // Changed between the two reads (a concurrent write moved its key): not a candidate.
        guard let value = scope.matchValue(of: decoded.contact), keySet.contains(value) else {
          continue
        }
        if seen.insert(decoded.contact.id).inserted { result.append(decoded) }
      }
    }
    return result
  }
}
