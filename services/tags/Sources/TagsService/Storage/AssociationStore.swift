import Foundation
import PostgresClient
import ServiceKit
import TagsDomain

/// The result of applying one tag to one contact.
struct AppliedRow: Sendable {
  var contactID: Int64
  var outcome: AttachOutcome
  var tagCount: Int32
}

/// The result of removing one tag from one contact.
struct RemovedRow: Sendable {
  var contactID: Int64
  var outcome: DetachOutcome
  var stillHasTag: Bool
}

/// Contact–tag associations (T8–T12, T20): `contact_tags`, their history (`tag_events`) and
/// the exact counters (`tag_counters`), always written together in the caller's transaction
/// with their events.
struct AssociationStore: Sendable {
  let outbox: Outbox

  /// Applies `tag` to every contact of `contactIDs` (distinct) as direct associations (T8).
  /// Contacts deleted in the contacts service (T25) are left out of the result.
  func attach(
    _ tag: TagRecord, to contactIDs: [Int64], taggedVia: TaggedVia, ref: TagRef?,
    occurredAt: Date, now: Date, idempotencyKey: String?, on connection: PostgresConnection
  ) async throws -> [AppliedRow] {
    guard !contactIDs.isEmpty else { return [] }
    return try await attach(
      tag, input: .contacts(contactIDs), taggedVia: taggedVia, ref: ref, occurredAt: occurredAt,
      now: now, idempotencyKey: idempotencyKey, on: connection
    ).applied
  }

  /// Where an attach takes its contacts from.
  enum AttachInput: Sendable {
    /// Explicit contact ids (duplicates collapse).
    case contacts([Int64])
    /// The next `limit` resolved targets of bulk job `jobID` after contact `after`, read by
    /// the statement itself so a batch's ids never travel to the service and back.
    case jobBatch(jobID: Int64, after: Int64, limit: Int)
  }

  /// What one attach statement did.
  struct AttachBatch: Sendable {
    var applied: [AppliedRow]
    /// Contacts the input held (deleted contacts included).
    var inputCount: Int
    /// The highest contact id of the input (a bulk job's checkpoint), nil when empty.
    var lastContactID: Int64?
  }

  /// Applies `tag` to the contacts of `input` in one statement: associations, history and
  /// counters are data-modifying parts of the same statement; the events follow from the rows
  /// it returns (T8, T12).
  func attach(
    _ tag: TagRecord, input: AttachInput, taggedVia: TaggedVia, ref: TagRef?, occurredAt: Date,
    now: Date, idempotencyKey: String?, on connection: PostgresConnection
  ) async throws -> AttachBatch {
    let definition = tag.definition
    let organizationID = definition.organizationID
    let storage = definition.expiry.storage
    let explicit: [Int64]
    let job: (id: Int64?, after: Int64, limit: Int64)
    switch input {
    case .contacts(let ids):
      explicit = ids
      job = (nil, 0, 0)
    case .jobBatch(let jobID, let after, let limit):
      explicit = []
      job = (jobID, after, Int64(limit))
    }
    let source = definition.key.source.rawValue
    let rows = try await connection.query(
      """
      WITH batch AS (
        (SELECT contact_id FROM bulk_job_targets
         WHERE job_id = \(job.id) AND contact_id > \(job.after) ORDER BY contact_id LIMIT \(job.limit))
        UNION ALL
        (SELECT DISTINCT c FROM unnest(\(explicit)::bigint[]) AS c)
      ),
      input AS (
        SELECT b.contact_id FROM batch b
        WHERE NOT EXISTS (SELECT 1 FROM deleted_contacts d
          WHERE d.organization_id = \(organizationID) AND d.contact_id = b.contact_id)
      ),
      up AS (
        INSERT INTO contact_tags AS ct (organization_id, contact_id, tag_source, tag_id, origin,
          ref_type, first_tagged_at, last_tagged_at, tag_count, first_tagged_via, last_tagged_via,
          last_ref_kind, last_ref_id, expires_at)
        SELECT \(organizationID), contact_id, \(source), \(definition.key.id),
          'direct', 'none', \(occurredAt), \(occurredAt), 1, \(taggedVia.rawValue), \(taggedVia.rawValue),
          \(ref?.kind), \(ref?.id),
          CASE \(storage.mode) WHEN 'relative' THEN \(occurredAt)::timestamptz + make_interval(days => \(storage.ttlDays ?? 0))
            WHEN 'absolute' THEN \(storage.expireAt)::timestamptz ELSE NULL END
        FROM input ORDER BY contact_id
        ON CONFLICT (organization_id, contact_id, tag_source, tag_id, origin) DO UPDATE SET
          first_tagged_at = CASE WHEN ct.expires_at <= \(now) THEN EXCLUDED.first_tagged_at ELSE ct.first_tagged_at END,
          first_tagged_via = CASE WHEN ct.expires_at <= \(now) THEN EXCLUDED.first_tagged_via ELSE ct.first_tagged_via END,
          last_tagged_at = CASE WHEN ct.expires_at <= \(now) THEN EXCLUDED.last_tagged_at
            ELSE GREATEST(ct.last_tagged_at, EXCLUDED.last_tagged_at) END,
          tag_count = CASE WHEN ct.expires_at <= \(now) THEN 1 ELSE ct.tag_count + 1 END,
          last_tagged_via = EXCLUDED.last_tagged_via,
          last_ref_kind = EXCLUDED.last_ref_kind,
          last_ref_id = EXCLUDED.last_ref_id,
          expires_at = CASE \(storage.mode)
            WHEN 'relative' THEN (CASE WHEN ct.expires_at <= \(now) THEN EXCLUDED.last_tagged_at
              ELSE GREATEST(ct.last_tagged_at, EXCLUDED.last_tagged_at) END)
              + make_interval(days => \(storage.ttlDays ?? 0))
            WHEN 'absolute' THEN \(storage.expireAt)::timestamptz ELSE NULL END
        RETURNING ct.contact_id, ct.tag_count, ct.first_tagged_at, ct.last_tagged_at, ct.expires_at,
          (xmax = 0) AS inserted,
          EXISTS (SELECT 1 FROM contact_tags i WHERE i.organization_id = ct.organization_id
            AND i.contact_id = ct.contact_id AND i.tag_source = ct.tag_source
            AND i.tag_id = ct.tag_id AND i.origin = 'inherited') AS inherited
      ),
      history AS (
        INSERT INTO tag_events (organization_id, contact_id, tag_source, tag_id, action, origin,
          tagged_via, ref_kind, ref_id, occurred_at, recorded_at, idempotency_key)
        SELECT \(organizationID), contact_id, \(source), \(definition.key.id), 'add', 'direct',
          \(taggedVia.rawValue), \(ref?.kind), \(ref?.id), \(occurredAt), \(now), \(idempotencyKey)
        FROM up ORDER BY contact_id
      ),
      counted AS (
        -- A contact that already had the tag through inheritance is no new member (T12).
        UPDATE tag_counters SET
          member_count = member_count + (SELECT count(*) FROM up WHERE inserted AND NOT inherited),
          direct_member_count = direct_member_count + (SELECT count(*) FROM up WHERE inserted)
        WHERE organization_id = \(organizationID) AND source = \(source) AND id = \(definition.key.id)
          AND EXISTS (SELECT 1 FROM up WHERE inserted)
      )
      SELECT b.last, b.size, up.contact_id, up.tag_count, up.first_tagged_at, up.last_tagged_at,
        up.expires_at
      FROM (SELECT max(contact_id) AS last, count(*) AS size FROM batch) b
      LEFT JOIN up ON true
      ORDER BY up.contact_id
      """)
    var result = AttachBatch(applied: [], inputCount: 0, lastContactID: nil)
    guard let first = rows.first else { return result }
    result.inputCount = Int(try first.decode("size", as: Int64.self))
    result.lastContactID = try first.decode("last", as: Int64?.self)
    var changes: [AssociationChange] = []
    result.applied.reserveCapacity(rows.count)
    changes.reserveCapacity(rows.count)
    for row in rows {
      guard let contactID = try row.decode("contact_id", as: Int64?.self) else { continue }
      let count = try row.decode("tag_count", as: Int32.self)
      let isNew = count == 1
      result.applied.append(
        AppliedRow(contactID: contactID, outcome: isNew ? .attached : .reapplied, tagCount: count))
      changes.append(
        AssociationChange(
          organizationID: organizationID, contactID: contactID, tag: definition.key,
          tagName: definition.name, isAttached: true, taggedVia: taggedVia, ref: ref,
          isNewAttachment: isNew, tagCount: count,
          firstTaggedAt: try row.decode("first_tagged_at", as: Date.self),
          lastTaggedAt: try row.decode("last_tagged_at", as: Date.self),
          expiresAt: try row.decode("expires_at", as: Date?.self), occurredAt: occurredAt))
    }
    try await outbox.append(changes.flatMap(\.events), on: connection)
    return result
  }

  /// Removes the direct association of `tag` from each contact (T9).
  func detach(
    _ tag: TagRecord, from contactIDs: [Int64], reason: RemoveReason, ref: TagRef?, now: Date,
    idempotencyKey: String?, on connection: PostgresConnection
  ) async throws -> [RemovedRow] {
    guard !contactIDs.isEmpty else { return [] }
    let definition = tag.definition
    let organizationID = definition.organizationID
    let rows = try await connection.query(
      """
      WITH input AS (SELECT DISTINCT unnest(\(contactIDs)::bigint[]) AS contact_id),
      deleted AS (
        DELETE FROM contact_tags ct USING input
        WHERE ct.organization_id = \(organizationID) AND ct.contact_id = input.contact_id
          AND ct.tag_source = \(definition.key.source.rawValue) AND ct.tag_id = \(definition.key.id)
          AND ct.origin = 'direct'
        RETURNING ct.contact_id, COALESCE(ct.expires_at <= \(now), false) AS was_expired
      )
      SELECT input.contact_id, d.contact_id IS NOT NULL AS removed, COALESCE(d.was_expired, false) AS was_expired,
        EXISTS (SELECT 1 FROM contact_tags i WHERE i.organization_id = \(organizationID)
          AND i.contact_id = input.contact_id AND i.tag_source = \(definition.key.source.rawValue)
          AND i.tag_id = \(definition.key.id) AND i.origin = 'inherited'
          AND (i.expires_at IS NULL OR i.expires_at > \(now))) AS still_has
      FROM input LEFT JOIN deleted d USING (contact_id)
      ORDER BY input.contact_id
      """)
    var removed: [RemovedRow] = []
    var changes: [AssociationChange] = []
    var deletedRows: Int64 = 0
    var lostMembers: Int64 = 0
    var detachedIDs: [Int64] = []
    var expiredIDs: [Int64] = []
    for row in rows {
      let contactID = try row.decode("contact_id", as: Int64.self)
      let wasRemoved = try row.decode("removed", as: Bool.self)
      let wasExpired = try row.decode("was_expired", as: Bool.self)
      let stillHas = try row.decode("still_has", as: Bool.self)
      if wasRemoved {
        deletedRows += 1
        // An inherited row keeps the contact a member (T9, T12).
        if !stillHas { lostMembers += 1 }
      }
      let detached = wasRemoved && !wasExpired
      removed.append(
        RemovedRow(
          contactID: contactID, outcome: detached ? .detached : .notAttached, stillHasTag: stillHas)
      )
      guard wasRemoved else { continue }
      // An expired row the sweeper had not reached is reported as the expiry it was (T20).
      let effectiveReason = detached ? reason : RemoveReason.expired
      if detached { detachedIDs.append(contactID) } else { expiredIDs.append(contactID) }
      changes.append(
        AssociationChange(
          organizationID: organizationID, contactID: contactID, tag: definition.key,
          tagName: definition.name, isAttached: false, ref: ref, reason: effectiveReason,
          stillHasTag: stillHas, occurredAt: now))
    }
    if deletedRows > 0 {
      try await adjustCounters(
        definition.key, organizationID: organizationID, members: -lostMembers,
        direct: -deletedRows, on: connection)
    }
    for (ids, why) in [(detachedIDs, reason), (expiredIDs, RemoveReason.expired)] where !ids.isEmpty
    {
      try await recordRemovals(
        definition.key, organizationID: organizationID, contactIDs: ids, reason: why, ref: ref,
        at: now, idempotencyKey: idempotencyKey, on: connection)
    }
    try await outbox.append(changes.flatMap(\.events), on: connection)
    return removed
  }

  /// Appends `remove` history rows of `origin`.
  func recordRemovals(
    _ key: TagKey, organizationID: Int64, contactIDs: [Int64], reason: RemoveReason, ref: TagRef?,
    at now: Date, idempotencyKey: String? = nil, origin: Origin = .direct,
    on connection: PostgresConnection
  ) async throws {
    try await connection.execute(
      """
      INSERT INTO tag_events (organization_id, contact_id, tag_source, tag_id, action, origin,
        reason, ref_kind, ref_id, occurred_at, recorded_at, idempotency_key)
      SELECT \(organizationID), c, \(key.source.rawValue), \(key.id), 'remove', \(origin.rawValue),
        \(reason.rawValue), \(ref?.kind), \(ref?.id), \(now), \(now), \(idempotencyKey)
      FROM unnest(\(contactIDs)::bigint[]) AS c
      """)
  }

  /// Moves the counters of a tag; every association write calls this in its transaction (T12).
  ///
  /// - Parameters:
  ///   - members: change of `member_count` (contacts with a row of any origin).
  ///   - direct: change of `direct_member_count` (contacts with a direct row).
  func adjustCounters(
    _ key: TagKey, organizationID: Int64, members: Int64, direct: Int64,
    on connection: PostgresConnection
  )
    async throws
  {
    guard members != 0 || direct != 0 else { return }
    try await connection.execute(
      """
      UPDATE tag_counters SET member_count = member_count + \(members),
        direct_member_count = direct_member_count + \(direct)
      WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
      """)
  }

  /// Claims an idempotency key for 24 hours (T8); false when it was used within the window.
  func claim(
    idempotencyKey: String, organizationID: Int64, now: Date, on connection: PostgresConnection
  )
    async throws -> Bool
  {
    let cutoff = now.addingTimeInterval(-IdempotencyPolicy.window)
    let rows = try await connection.query(
      """
      INSERT INTO idempotency_keys (organization_id, key, response, created_at)
      VALUES (\(organizationID), \(idempotencyKey), ''::bytea, \(now))
      ON CONFLICT (organization_id, key) DO UPDATE SET created_at = EXCLUDED.created_at
        WHERE idempotency_keys.created_at <= \(cutoff)
      RETURNING key
      """)
    return !rows.isEmpty
  }

  // MARK: Reads

  /// A contact's visible rows: tag not deleted, row not expired (T11, T20).
  func rows(
    ofContacts contactIDs: [Int64], organizationID: Int64, on connection: PostgresConnection
  )
    async throws -> [Int64: [(ContactTagAssociation, name: String)]]
  {
    let rows = try await connection.query(
      """
      SELECT ct.*, t.name FROM contact_tags ct
      JOIN tags t ON t.organization_id = ct.organization_id AND t.source = ct.tag_source
        AND t.id = ct.tag_id
      WHERE ct.organization_id = \(organizationID) AND ct.contact_id = ANY(\(contactIDs)::bigint[])
        AND t.deleted_at IS NULL AND (ct.expires_at IS NULL OR ct.expires_at > now())
      """)
    var result: [Int64: [(ContactTagAssociation, name: String)]] = [:]
    for row in rows {
      let kind = try row.decode("last_ref_kind", as: String?.self)
      let association = ContactTagAssociation(
        contactID: try row.decode("contact_id", as: Int64.self),
        tag: TagKey(
          id: try row.decode("tag_id", as: Int64.self),
          source: TagSource(rawValue: try row.decode("tag_source", as: String.self)) ?? .maac),
        origin: Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct,
        refType: RefType(rawValue: try row.decode("ref_type", as: String.self)) ?? .none,
        firstTaggedAt: try row.decode("first_tagged_at", as: Date.self),
        lastTaggedAt: try row.decode("last_tagged_at", as: Date.self),
        tagCount: Int(try row.decode("tag_count", as: Int32.self)),
        firstTaggedVia: TaggedVia(rawValue: try row.decode("first_tagged_via", as: String.self))
          ?? .manual,
        lastTaggedVia: TaggedVia(rawValue: try row.decode("last_tagged_via", as: String.self)),
        lastRef: kind.map {
          TagRef(kind: $0, id: (try? row.decode("last_ref_id", as: String?.self)) ?? "")
        },
        expiresAt: try row.decode("expires_at", as: Date?.self))
      result[association.contactID, default: []].append(
        (association, try row.decode("name", as: String.self)))
    }
    return result
  }

  /// Members of a tag after `after`, ascending (T12).
  func members(
    of key: TagKey, organizationID: Int64, origin: Origin?, after: Int64, limit: Int,
    on connection: PostgresConnection
  ) async throws -> [Int64] {
    let rows = try await connection.query(
      """
      SELECT DISTINCT contact_id FROM contact_tags
      WHERE organization_id = \(organizationID) AND tag_source = \(key.source.rawValue)
        AND tag_id = \(key.id) AND contact_id > \(after)
        AND (\(origin?.rawValue)::text IS NULL OR origin = \(origin?.rawValue))
        AND (expires_at IS NULL OR expires_at > now())
      ORDER BY contact_id LIMIT \(Int64(limit))
      """)
    return try rows.map { try $0.decode("contact_id", as: Int64.self) }
  }
}
