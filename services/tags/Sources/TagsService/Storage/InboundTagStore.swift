import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import TagsDomain

/// What one `cdh.member_tag.v1` message did (T23), for logs and tests.
struct InboundTagOutcome: Sendable, Equatable {
  /// Associations written or removed.
  var applied = 0
  /// Items that changed nothing: already in that state, stale, unknown or deleted tag.
  var ignored = 0
  /// CAAC definitions created from the message.
  var definitionsCreated = 0
  /// CAAC definitions renamed (T3 postfix at CDH enablement).
  var definitionsRenamed = 0
  /// MAAC members that could not be placed in the message's organization (another
  /// organization's, or unknown to contacts): skipped, never written (T23).
  var refusedMembers: Set<Int64> = []
}

/// Applies CDH's tag propagation (T10, T23) in the consumer's transaction.
///
/// For each MAAC member and each tag of an item: a normal tag becomes a direct row
/// (`ref_type = cdh`, `tagged_via = cdh_sync`, first tagged now), an inherited tag an inherited
/// row (`ref_type = cdh_inherited`, `tagged_via = unification`, first tagged at the original
/// attach time CDH sends). CDH states what a member has, so an add for a row that already
/// exists changes nothing: that is how the tag manager's own changes, which CDH propagates to
/// every member of the profile including the one they came from, do not loop or count twice.
/// Exactly-once per event comes from ``EventConsumer``'s cursor; an item older than the last
/// item applied to the same association (``cdh_tag_sync``) is ignored.
struct InboundTagStore: Sendable {
  let associations: AssociationStore
  /// Places members in organizations (the copy, then contacts), T23.
  var directory = ContactDirectory(contacts: nil)

  /// Applies `message`, published by CDH for `organizationID`.
  ///
  /// CDH names one organization per message (the envelope's, that of the item's first
  /// member) and none per member; a unify scope may hold several MAAC organizations. Members
  /// are written only when ``ContactDirectory/place(_:organizationID:on:)`` places them in
  /// that organization; the others are skipped and reported in ``InboundTagOutcome``.
  func apply(
    _ message: Maac_Cdh_V1_MemberTagPropagated, organizationID: Int64,
    on connection: PostgresConnection
  ) async throws -> InboundTagOutcome {
    var outcome = InboundTagOutcome()
    let now = Date()
    for item in message.events {
      let timestamp = item.hasTimestamp ? item.timestamp.date : now
      let members = item.unifiedChannelEntities.filter { $0.source == .maac && $0.memberID > 0 }
        .map(\.memberID)
      guard !members.isEmpty else { continue }
      let placement = try await directory.place(
        members, organizationID: organizationID, on: connection)
      outcome.refusedMembers.formUnion(placement.refused)
      let contacts = members.filter { placement.placed.contains($0) }
      guard !contacts.isEmpty else { continue }
      for tag in item.tags {
        guard tag.source != .unspecified, tag.tagID > 0,
          tag.action == .add || tag.action == .delete
        else {
          outcome.ignored += contacts.count
          continue
        }
        let key = TagKey(id: tag.tagID, source: ProtoMapping.source(tag.source))
        guard
          let definition = try await definition(
            key, name: tag.tagName, organizationID: organizationID, now: now, on: connection,
            outcome: &outcome)
        else {
          outcome.ignored += contacts.count
          continue
        }
        for contactID in contacts {
          let inbound = InboundCDHTag(
            contactID: contactID, tag: key, tagName: definition.name,
            action: tag.action == .add ? .add : .delete, inherited: tag.inherited,
            timestamp: timestamp)
          let changed = try await apply(
            inbound, originalAttach: tag.hasCreatedAt ? tag.createdAt.date : timestamp,
            definition: definition, now: now, on: connection)
          if changed { outcome.applied += 1 } else { outcome.ignored += 1 }
        }
      }
    }
    return outcome
  }

  /// The live definition of `key`: an unknown CAAC tag is created with the event's id, source
  /// and name (T23); a CAAC name change is a rename (T3). Nil for an unknown MAAC tag (the tag
  /// manager assigns those ids), a deleted tag (T14), or an invalid name.
  private func definition(
    _ key: TagKey, name: String, organizationID: Int64, now: Date,
    on connection: PostgresConnection, outcome: inout InboundTagOutcome
  ) async throws -> TagDefinition? {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: TagRecord.columns) FROM \(unescaped: TagRecord.from)
      WHERE t.organization_id = \(organizationID) AND t.source = \(key.source.rawValue)
        AND t.id = \(key.id) FOR UPDATE OF t
      """)
    if let record = try rows.first.map(TagRecord.init(row:)) {
      guard record.definition.deletedAt == nil else { return nil }
      guard key.source == .caac, !name.isEmpty, name != record.definition.name,
        let valid = try? TagName(validating: name, source: .caac, field: "tags.tag_name")
      else { return record.definition }
      let renamed = try await connection.query(
        """
        UPDATE tags SET name = \(valid.value), version = version + 1, updated_at = \(now)
        WHERE organization_id = \(organizationID) AND source = 'caac' AND id = \(key.id)
          AND NOT EXISTS (SELECT 1 FROM tags o WHERE o.organization_id = \(organizationID)
            AND o.source = 'caac' AND o.name = \(valid.value) AND o.deleted_at IS NULL)
        RETURNING id
        """)
      guard !renamed.isEmpty else { return record.definition }
      outcome.definitionsRenamed += 1
      return try await publish(
        key, organizationID: organizationID, eventType: "tag.updated",
        oldName: record.definition.name, now: now, on: connection)
    }
    guard key.source == .caac,
      let valid = try? TagName(validating: name, source: .caac, field: "tags.tag_name")
    else { return nil }
    let inserted = try await connection.query(
      """
      INSERT INTO tags (organization_id, source, id, name, created_via, updated_at, created_at)
      VALUES (\(organizationID), 'caac', \(key.id), \(valid.value), 'caac', \(now), \(now))
      ON CONFLICT DO NOTHING RETURNING id
      """)
    guard !inserted.isEmpty else { return nil }
    try await connection.execute(
      "INSERT INTO tag_counters (organization_id, source, id) VALUES (\(organizationID), 'caac', \(key.id))"
    )
    outcome.definitionsCreated += 1
    return try await publish(
      key, organizationID: organizationID, eventType: "tag.created", oldName: nil, now: now,
      on: connection)
  }

  private func publish(
    _ key: TagKey, organizationID: Int64, eventType: String, oldName: String?, now: Date,
    on connection: PostgresConnection
  ) async throws -> TagDefinition {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: TagRecord.columns) FROM \(unescaped: TagRecord.from)
      WHERE t.organization_id = \(organizationID) AND t.source = \(key.source.rawValue)
        AND t.id = \(key.id)
      """)
    guard let record = try rows.first.map(TagRecord.init(row:)) else {
      throw ServiceError(.internal, "tag \(key.id) vanished right after its write")
    }
    try await associations.outbox.append(
      [
        DefinitionChange(record: record, eventType: eventType, oldName: oldName, occurredAt: now)
          .event
      ], on: connection)
    return record.definition
  }

  /// Applies one tag to one contact; true when a row was written or removed.
  private func apply(
    _ inbound: InboundCDHTag, originalAttach: Date, definition: TagDefinition, now: Date,
    on connection: PostgresConnection
  ) async throws -> Bool {
    let organizationID = definition.organizationID
    let key = inbound.tag
    let origin = inbound.origin
    // Out-of-order protection per association (T23).
    let previous = try await connection.query(
      """
      SELECT source_timestamp FROM cdh_tag_sync
      WHERE organization_id = \(organizationID) AND contact_id = \(inbound.contactID)
        AND tag_source = \(key.source.rawValue) AND tag_id = \(key.id) AND origin = \(origin.rawValue)
      FOR UPDATE
      """)
    if inbound.isStale(
      comparedTo: try previous.first?.decode("source_timestamp", as: Date.self))
    {
      return false
    }
    try await connection.execute(
      """
      INSERT INTO cdh_tag_sync (organization_id, contact_id, tag_source, tag_id, origin, source_timestamp)
      VALUES (\(organizationID), \(inbound.contactID), \(key.source.rawValue), \(key.id),
        \(origin.rawValue), \(inbound.timestamp))
      ON CONFLICT (organization_id, contact_id, tag_source, tag_id, origin)
        DO UPDATE SET source_timestamp = EXCLUDED.source_timestamp
      """)
    let deleted = try await connection.query(
      """
      SELECT 1 FROM deleted_contacts
      WHERE organization_id = \(organizationID) AND contact_id = \(inbound.contactID)
      """)
    guard deleted.isEmpty else { return false }
    switch inbound.action {
    case .add:
      if inbound.tag.source == .maac, definition.expiry.tagIsExpired(at: now) { return false }
      return try await attach(
        inbound, originalAttach: originalAttach, definition: definition, now: now, on: connection)
    case .delete:
      return try await detach(inbound, definition: definition, now: now, on: connection)
    }
  }

  private func attach(
    _ inbound: InboundCDHTag, originalAttach: Date, definition: TagDefinition, now: Date,
    on connection: PostgresConnection
  ) async throws -> Bool {
    let organizationID = definition.organizationID
    let key = inbound.tag
    let application = inbound.application(processedAt: now)
    let firstTagged = inbound.inherited ? originalAttach : application.occurredAt
    let storage = inbound.inherited ? Expiry.none.storage : definition.expiry.storage
    // An expired row nobody swept yet is replaced: the contact gets a new attachment period.
    let rows = try await connection.query(
      """
      INSERT INTO contact_tags AS ct (organization_id, contact_id, tag_source, tag_id, origin,
        ref_type, first_tagged_at, last_tagged_at, tag_count, first_tagged_via, last_tagged_via,
        expires_at)
      VALUES (\(organizationID), \(inbound.contactID), \(key.source.rawValue), \(key.id),
        \(application.origin.rawValue), \(application.refType.rawValue), \(firstTagged),
        \(firstTagged), 1, \(application.taggedVia.rawValue), \(application.taggedVia.rawValue),
        CASE \(storage.mode) WHEN 'relative' THEN \(firstTagged)::timestamptz + make_interval(days => \(storage.ttlDays ?? 0))
          WHEN 'absolute' THEN \(storage.expireAt)::timestamptz ELSE NULL END)
      ON CONFLICT (organization_id, contact_id, tag_source, tag_id, origin) DO UPDATE SET
        ref_type = EXCLUDED.ref_type, first_tagged_at = EXCLUDED.first_tagged_at,
        last_tagged_at = EXCLUDED.last_tagged_at, tag_count = 1,
        first_tagged_via = EXCLUDED.first_tagged_via, last_tagged_via = EXCLUDED.last_tagged_via,
        last_ref_kind = NULL, last_ref_id = NULL, expires_at = EXCLUDED.expires_at
        WHERE ct.expires_at IS NOT NULL AND ct.expires_at <= \(now)
      RETURNING (xmax = 0) AS inserted, expires_at,
        EXISTS (SELECT 1 FROM contact_tags o WHERE o.organization_id = ct.organization_id
          AND o.contact_id = ct.contact_id AND o.tag_source = ct.tag_source
          AND o.tag_id = ct.tag_id AND o.origin <> ct.origin) AS other_row
      """)
    guard let row = rows.first else { return false }
    if try row.decode("inserted", as: Bool.self) {
      let otherRow = try row.decode("other_row", as: Bool.self)
      try await associations.adjustCounters(
        key, organizationID: organizationID, members: otherRow ? 0 : 1,
        direct: application.origin == .direct ? 1 : 0, on: connection)
    }
    try await connection.execute(
      """
      INSERT INTO tag_events (organization_id, contact_id, tag_source, tag_id, action, origin,
        tagged_via, occurred_at, recorded_at)
      VALUES (\(organizationID), \(inbound.contactID), \(key.source.rawValue), \(key.id), 'add',
        \(application.origin.rawValue), \(application.taggedVia.rawValue), \(firstTagged), \(now))
      """)
    let change = AssociationChange(
      organizationID: organizationID, contactID: inbound.contactID, tag: key,
      tagName: definition.name, isAttached: true, origin: application.origin,
      refType: application.refType, taggedVia: application.taggedVia, isNewAttachment: true,
      tagCount: 1, firstTaggedAt: firstTagged, lastTaggedAt: firstTagged,
      expiresAt: try row.decode("expires_at", as: Date?.self), occurredAt: firstTagged)
    try await associations.outbox.append(change.events, on: connection)
    return true
  }

  /// A normal delete means the member no longer has the tag by CDH's account (O22: every
  /// member loses it, inherited copies included), so every row goes; an inherited delete
  /// removes only the inherited row. Inherited rows are removed nowhere else (T9).
  private func detach(
    _ inbound: InboundCDHTag, definition: TagDefinition, now: Date,
    on connection: PostgresConnection
  ) async throws -> Bool {
    let organizationID = definition.organizationID
    let key = inbound.tag
    let onlyInherited = inbound.inherited
    let rows = try await connection.query(
      """
      DELETE FROM contact_tags ct
      WHERE ct.organization_id = \(organizationID) AND ct.contact_id = \(inbound.contactID)
        AND ct.tag_source = \(key.source.rawValue) AND ct.tag_id = \(key.id)
        AND (NOT \(onlyInherited) OR ct.origin = 'inherited')
      RETURNING ct.origin, ct.ref_type, ct.tag_count,
        EXISTS (SELECT 1 FROM contact_tags o WHERE o.organization_id = ct.organization_id
          AND o.contact_id = ct.contact_id AND o.tag_source = ct.tag_source
          AND o.tag_id = ct.tag_id AND o.origin <> ct.origin) AS other_row
      """)
    guard !rows.isEmpty else { return false }
    var origins: [Origin] = []
    var changes: [AssociationChange] = []
    var keptByOther = false
    for row in rows {
      let origin = Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct
      origins.append(origin)
      // The statement's snapshot still sees a sibling row deleted by the same statement.
      let otherRow = try row.decode("other_row", as: Bool.self)
      if otherRow && rows.count == 1 { keptByOther = true }
      changes.append(
        AssociationChange(
          organizationID: organizationID, contactID: inbound.contactID, tag: key,
          tagName: definition.name, isAttached: false, origin: origin,
          refType: RefType(rawValue: try row.decode("ref_type", as: String.self)) ?? .none,
          taggedVia: .cdhSync, tagCount: try row.decode("tag_count", as: Int32.self),
          reason: .cdhSync, occurredAt: now))
    }
    for index in changes.indices { changes[index].stillHasTag = keptByOther }
    try await associations.adjustCounters(
      key, organizationID: organizationID, members: keptByOther ? 0 : -1,
      direct: origins.contains(.direct) ? -1 : 0, on: connection)
    for origin in origins {
      try await associations.recordRemovals(
        key, organizationID: organizationID, contactIDs: [inbound.contactID], reason: .cdhSync,
        ref: nil, at: now, origin: origin, on: connection)
    }
    try await associations.outbox.append(changes.flatMap(\.events), on: connection)
    return true
  }
}
