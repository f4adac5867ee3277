import Foundation
import PostgresClient
import ServiceKit
import TagsDomain

/// Tag definitions of every organization (T1–T7, T13–T15): the `tags` and `tag_counters`
/// tables. Every statement filters on the organization (T27).
struct TagDefinitionStore: Sendable {
  let pool: PostgresPool
  let outbox: Outbox
  /// Whether an organization is linked to CDH (T3).
  let link: CDHLink
  /// Clean-up jobs of deleted tags (T14).
  var jobs = TagJobStore()

  /// Checks `name` against the active tags holding it (T2, T3). CDH is asked whether the
  /// organization is linked only when a CAAC tag holds the name.
  ///
  /// - Parameter otherSourceOnly: only the CAAC check (EnsureTags, where a MAAC holder is the
  ///   answer, not a conflict).
  func checkName(
    _ name: TagName, organizationID: Int64, excluding: TagKey? = nil,
    otherSourceOnly: Bool = false, on connection: PostgresConnection
  ) async throws {
    let sameSource =
      otherSourceOnly
      ? nil
      : try await activeHolder(
        of: name.value, source: .maac, organizationID: organizationID, excluding: excluding,
        on: connection)
    let caacHolder = try await activeHolder(
      of: name.value, source: .caac, organizationID: organizationID, on: connection)
    let linked =
      sameSource == nil && caacHolder != nil ? try await link.isLinked(organizationID) : false
    try TagNamePolicy.check(
      name: name, sameSource: sameSource, caacHolder: caacHolder,
      organizationIsCDHLinked: linked)
  }

  // MARK: Reads

  /// One tag, or nil when unknown or of another organization.
  func fetch(
    _ key: TagKey, organizationID: Int64, on connection: PostgresConnection, lock: Bool = false
  ) async throws -> TagRecord? {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: TagRecord.columns) FROM \(unescaped: TagRecord.from)
      WHERE t.organization_id = \(organizationID) AND t.source = \(key.source.rawValue)
        AND t.id = \(key.id) \(unescaped: lock ? "FOR UPDATE OF t" : "")
      """)
    return try rows.first.map(TagRecord.init(row:))
  }

  /// Tags by key; keys not found (unknown, foreign, or deleted unless asked) are left out.
  func fetch(
    _ keys: [TagKey], organizationID: Int64, includeDeleted: Bool, on connection: PostgresConnection
  )
    async throws -> [TagKey: TagRecord]
  {
    guard !keys.isEmpty else { return [:] }
    let rows = try await connection.query(
      """
      SELECT \(unescaped: TagRecord.columns) FROM \(unescaped: TagRecord.from)
      WHERE t.organization_id = \(organizationID)
        AND (t.source, t.id) IN (SELECT * FROM unnest(\(keys.map(\.source.rawValue))::text[],
                                                    \(keys.map(\.id))::bigint[]))
        AND (\(includeDeleted) OR t.deleted_at IS NULL)
      """)
    var result: [TagKey: TagRecord] = [:]
    for row in rows {
      let record = try TagRecord(row: row)
      result[record.definition.key] = record
    }
    return result
  }

  /// The active tag of `source` holding `name`, if any.
  func activeHolder(
    of name: String, source: TagSource, organizationID: Int64, excluding: TagKey? = nil,
    on connection: PostgresConnection
  ) async throws -> TagKey? {
    let rows = try await connection.query(
      """
      SELECT id FROM tags WHERE organization_id = \(organizationID) AND source = \(source.rawValue)
        AND name = \(name) AND deleted_at IS NULL
        AND NOT (source = \(excluding?.source.rawValue ?? "") AND id = \(excluding?.id ?? 0))
      """)
    return try rows.first.map { TagKey(id: try $0.decode("id", as: Int64.self), source: source) }
  }

  /// What an attach may do with each requested tag (T8, T15).
  func availability(_ keys: [TagKey], organizationID: Int64, on connection: PostgresConnection)
    async throws -> [TagKey: TagAvailability]
  {
    let records = try await fetch(
      keys, organizationID: organizationID, includeDeleted: true, on: connection)
    var result: [TagKey: TagAvailability] = [:]
    for key in keys {
      guard let record = records[key] else {
        result[key] = .unknown
        continue
      }
      if record.definition.deletedAt == nil {
        result[key] = .live(record.definition)
      } else {
        let holder = try await activeHolder(
          of: record.definition.name, source: key.source, organizationID: organizationID,
          on: connection)
        result[key] = .deleted(record.definition, nameTakenByActiveTag: holder != nil)
      }
    }
    return result
  }

  // MARK: Writes

  /// Inserts a new `maac` tag, or returns nil when an active tag already holds the name.
  func insert(
    name: TagName, organizationID: Int64, createdVia: CreatedVia, detail: TaggedVia?,
    ref: TagRef?, expiry: Expiry, on connection: PostgresConnection
  ) async throws -> TagRecord? {
    let storage = expiry.storage
    let inserted = try await connection.query(
      """
      INSERT INTO tags (organization_id, source, id, name, created_via, created_via_detail,
                        created_by_ref_kind, created_by_ref_id, expiry_mode, ttl_days, expire_at)
      VALUES (\(organizationID), 'maac', nextval('maac_tag_id_seq'), \(name.value),
              \(createdVia.rawValue), \(detail?.rawValue), \(ref?.kind), \(ref?.id),
              \(storage.mode), \(storage.ttlDays), \(storage.expireAt))
      ON CONFLICT (organization_id, source, name) WHERE deleted_at IS NULL DO NOTHING
      RETURNING id
      """)
    guard let id = try inserted.first?.decode("id", as: Int64.self) else { return nil }
    try await connection.execute(
      "INSERT INTO tag_counters (organization_id, source, id) VALUES (\(organizationID), 'maac', \(id))"
    )
    let key = TagKey(id: id)
    guard let record = try await fetch(key, organizationID: organizationID, on: connection) else {
      throw ServiceError(.internal, "tag \(id) vanished right after its insert")
    }
    return record
  }

  /// Creates a `maac` tag (T1–T3, T6, T28) and publishes `tag.created`.
  func create(
    name: TagName, organizationID: Int64, createdVia: CreatedVia, detail: TaggedVia?,
    ref: TagRef?, expiry: Expiry
  ) async throws -> TagRecord {
    try await pool.withTransaction { connection in
      try await lockOrganization(organizationID, on: connection)
      try TagNamePolicy.checkLimit(
        activeTags: try await activeCount(organizationID, on: connection))
      try await checkName(name, organizationID: organizationID, on: connection)
      guard
        let record = try await insert(
          name: name, organizationID: organizationID, createdVia: createdVia, detail: detail,
          ref: ref, expiry: expiry, on: connection)
      else {
        throw ServiceError(.aborted, "name: a concurrent request created \"\(name.value)\"; retry")
      }
      try await outbox.append(
        [DefinitionChange(record: record, eventType: "tag.created", occurredAt: Date()).event],
        on: connection)
      return record
    }
  }

  /// Get-or-create by name (T5, T6, T19): existing active `maac` tags are returned, missing
  /// ones created; concurrent callers creating the same name get the same tag. A missing name
  /// held by a CAAC tag of a CDH-linked organization is refused for that name alone (T3).
  func ensure(
    names: [TagName], organizationID: Int64, createdVia: CreatedVia, detail: TaggedVia?,
    ref: TagRef?
  ) async throws -> (ensured: [TagName: (TagRecord, created: Bool)], refused: [TagName: String]) {
    try await pool.withRetryingTransaction(isolation: .readCommitted) { connection in
      var result: [TagName: (TagRecord, created: Bool)] = [:]
      var refused: [TagName: String] = [:]
      var active = try await activeCount(organizationID, on: connection)
      for name in names {
        if let existing = try await activeHolder(
          of: name.value, source: .maac, organizationID: organizationID, on: connection),
          let record = try await fetch(existing, organizationID: organizationID, on: connection)
        {
          result[name] = (record, false)
          continue
        }
        try TagNamePolicy.checkLimit(activeTags: active)
        do {
          try await checkName(
            name, organizationID: organizationID, otherSourceOnly: true, on: connection)
        } catch let violation as TagRuleViolation {
          refused[name] = violation.reason
          continue
        }
        if let record = try await insert(
          name: name, organizationID: organizationID, createdVia: createdVia, detail: detail,
          ref: ref, expiry: .none, on: connection)
        {
          active += 1
          result[name] = (record, true)
          try await outbox.append(
            [DefinitionChange(record: record, eventType: "tag.created", occurredAt: Date()).event],
            on: connection)
        } else if let existing = try await activeHolder(
          of: name.value, source: .maac, organizationID: organizationID, on: connection),
          let record = try await fetch(existing, organizationID: organizationID, on: connection)
        {
          // A concurrent call committed the same name between our look-up and insert.
          result[name] = (record, false)
        }
      }
      return (result, refused)
    }
  }

  /// Renames and/or changes expiry (T4, T7, T20).
  func update(
    _ key: TagKey, organizationID: Int64, name: TagName?, expiry: Expiry?, expectedVersion: Int64?
  ) async throws -> TagRecord {
    try await pool.withTransaction { connection in
      guard
        var record = try await fetch(
          key, organizationID: organizationID, on: connection, lock: true),
        record.definition.deletedAt == nil
      else { throw TagDefinition.notFound(key) }
      try record.definition.requireManagedByMAAC()
      try record.definition.requireVersion(expectedVersion)
      if let name, name.value != record.definition.name {
        try await checkName(name, organizationID: organizationID, excluding: key, on: connection)
      }
      let now = Date()
      let expiryChanged = expiry != nil && expiry != record.definition.expiry
      let oldName = try record.definition.update(name: name, expiry: expiry, at: now)
      guard oldName != nil || expiryChanged else { return record }
      let storage = record.definition.expiry.storage
      try await connection.execute(
        """
        UPDATE tags SET name = \(record.definition.name), expiry_mode = \(storage.mode),
          ttl_days = \(storage.ttlDays), expire_at = \(storage.expireAt),
          version = \(record.definition.version), updated_at = \(now),
          expiry_announced = expiry_announced AND NOT \(expiryChanged)
        WHERE organization_id = \(organizationID) AND source = 'maac' AND id = \(key.id)
        """)
      if expiryChanged {
        // T20: existing direct rows follow the new expiry.
        try await connection.execute(
          """
          UPDATE contact_tags SET expires_at = CASE \(storage.mode)
              WHEN 'relative' THEN last_tagged_at + make_interval(days => \(storage.ttlDays ?? 0))
              WHEN 'absolute' THEN \(storage.expireAt)::timestamptz
              ELSE NULL END
          WHERE organization_id = \(organizationID) AND tag_source = 'maac' AND tag_id = \(key.id)
            AND origin = 'direct'
          """)
      }
      guard let updated = try await fetch(key, organizationID: organizationID, on: connection)
      else {
        throw TagDefinition.notFound(key)
      }
      try await outbox.append(
        [
          DefinitionChange(
            record: updated, eventType: "tag.updated", oldName: oldName, occurredAt: now
          ).event
        ],
        on: connection)
      return updated
    }
  }

  /// Soft-deletes a tag (T14): hidden at once; associations are removed in the background.
  ///
  /// - Returns: the tag and whether it was already deleted (idempotent repeat).
  func delete(_ key: TagKey, organizationID: Int64) async throws -> (
    TagRecord, alreadyDeleted: Bool, jobID: Int64
  ) {
    try await pool.withTransaction { connection in
      try await delete(key, organizationID: organizationID, job: nil, on: connection)
    }
  }

  /// Soft-deletes a tag (T14) and hands its associations to clean-up job `job` (a new one when
  /// nil). An already deleted tag answers the job it was deleted with, so a re-delete is
  /// idempotent.
  func delete(
    _ key: TagKey, organizationID: Int64, job: Int64?, on connection: PostgresConnection
  )
    async throws -> (TagRecord, alreadyDeleted: Bool, jobID: Int64)
  {
    guard
      let record = try await fetch(key, organizationID: organizationID, on: connection, lock: true)
    else {
      throw TagDefinition.notFound(key)
    }
    try record.definition.requireManagedByMAAC()
    if record.definition.deletedAt != nil {
      let existing = try await connection.query(
        """
        SELECT cleanup_job_id FROM tags
        WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
        """)
      if let id = try existing.first?.decode("cleanup_job_id", as: Int64?.self) {
        return (record, true, id)
      }
      // Deleted before clean-up jobs existed: give it a (finished) job to answer with.
      let id = try await jobs.insertCleanup(organizationID: organizationID, on: connection)
      try await connection.execute(
        """
        UPDATE tags SET cleanup_job_id = \(id)
        WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
        """)
      try await jobs.finishCleanups(on: connection)
      return (record, true, id)
    }
    let now = Date()
    let jobID: Int64
    if let job {
      jobID = job
    } else {
      jobID = try await jobs.insertCleanup(organizationID: organizationID, on: connection)
    }
    try await connection.execute(
      """
      UPDATE tags SET deleted_at = \(now), updated_at = \(now), version = version + 1,
        cleanup_pending = true, cleanup_job_id = \(jobID)
      WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
      """)
    guard let deleted = try await fetch(key, organizationID: organizationID, on: connection) else {
      throw TagDefinition.notFound(key)
    }
    try await outbox.append(
      [DefinitionChange(record: deleted, eventType: "tag.deleted", occurredAt: now).event],
      on: connection)
    return (deleted, false, jobID)
  }

  /// Restores a deleted tag applied through a configured action (T15), after removing any
  /// association the background clean-up had not reached, so nothing deleted comes back.
  func restore(_ record: TagRecord, on connection: PostgresConnection, cleaner: DeletedTagCleaner)
    async throws -> TagRecord
  {
    let key = record.definition.key
    let organizationID = record.definition.organizationID
    _ = try await cleaner.purge(key, organizationID: organizationID, limit: nil, on: connection)
    let now = Date()
    try await connection.execute(
      """
      UPDATE tags SET deleted_at = NULL, cleanup_pending = false, updated_at = \(now),
        version = version + 1
      WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
      """)
    // The clean-up this tag belonged to is over: nothing of it is left to remove.
    try await jobs.finishCleanups(on: connection)
    guard let restored = try await fetch(key, organizationID: organizationID, on: connection) else {
      throw TagDefinition.notFound(key)
    }
    try await outbox.append(
      [DefinitionChange(record: restored, eventType: "tag.restored", occurredAt: now).event],
      on: connection)
    return restored
  }

  // MARK: Helpers

  func activeCount(_ organizationID: Int64, on connection: PostgresConnection) async throws -> Int {
    let rows = try await connection.query(
      "SELECT count(*) AS n FROM tags WHERE organization_id = \(organizationID) AND deleted_at IS NULL"
    )
    return Int(try rows[0].decode("n", as: Int64.self))
  }

  /// Serialises tag creation within one organization so the limit and name checks hold.
  func lockOrganization(_ organizationID: Int64, on connection: PostgresConnection) async throws {
    try await connection.execute(
      "SELECT pg_advisory_xact_lock(8131, hashtext(\(String(organizationID))))")
  }
}
