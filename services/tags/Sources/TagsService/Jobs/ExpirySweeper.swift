import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import TagsDomain

/// Deletes expired associations (T20). Reads already hide them the moment they expire; the
/// sweep makes it durable: counters down, `remove` history with reason `expired`, and
/// `contact.tag.removed` events (direct rows also on the trigger feed).
struct ExpirySweeper: ServiceLifecycle.Service {
  let pool: PostgresPool
  let associations: AssociationStore
  var batchSize = 10_000
  var interval: Duration = .seconds(60)
  let logger: Logger

  func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        // Reads hide expired rows already; the sweep only has to follow within `interval`.
        try? await Task.sleep(for: interval)
        do {
          _ = try await sweep(organizationID: nil)
        } catch is CancellationError {
          return
        } catch {
          logger.error("expiry sweep failed; retrying", metadata: ["error": "\(error)"])
        }
      }
    }
  }

  /// Sweeps one organization (or all when nil); returns the number of associations removed.
  func sweep(organizationID: Int64?) async throws -> Int64 {
    try await announceExpiredTags(organizationID: organizationID)
    var total: Int64 = 0
    while true {
      let removed = try await pool.withTransaction { connection in
        try await sweepBatch(organizationID: organizationID, on: connection)
      }
      total += Int64(removed)
      if removed < batchSize { return total }
    }
  }

  /// Publishes `tag.expired` once for every tag whose absolute expiry has passed (T20).
  private func announceExpiredTags(organizationID: Int64?) async throws {
    try await pool.withTransaction { connection in
      let rows = try await connection.query(
        """
        UPDATE tags SET expiry_announced = true
        WHERE deleted_at IS NULL AND expiry_mode = 'absolute' AND expire_at <= now()
          AND NOT expiry_announced
          AND (\(organizationID)::bigint IS NULL OR organization_id = \(organizationID))
        RETURNING organization_id, source, id
        """)
      var events: [PendingEvent] = []
      let now = Date()
      for row in rows {
        let organization = try row.decode("organization_id", as: Int64.self)
        let key = TagKey(
          id: try row.decode("id", as: Int64.self),
          source: TagSource(rawValue: try row.decode("source", as: String.self)) ?? .maac)
        let records = try await connection.query(
          """
          SELECT \(unescaped: TagRecord.columns) FROM \(unescaped: TagRecord.from)
          WHERE t.organization_id = \(organization) AND t.source = \(key.source.rawValue) AND t.id = \(key.id)
          """)
        if let record = try records.first.map(TagRecord.init(row:)) {
          events.append(
            DefinitionChange(record: record, eventType: "tag.expired", occurredAt: now).event)
        }
      }
      try await associations.outbox.append(events, on: connection)
    }
  }

  private func sweepBatch(organizationID: Int64?, on connection: PostgresConnection) async throws
    -> Int
  {
    let now = Date()
    let rows = try await connection.query(
      """
      WITH doomed AS (
        SELECT ctid FROM contact_tags
        WHERE expires_at IS NOT NULL AND expires_at <= \(now)
          AND (\(organizationID)::bigint IS NULL OR organization_id = \(organizationID))
        LIMIT \(Int64(batchSize)) FOR UPDATE SKIP LOCKED
      )
      DELETE FROM contact_tags ct USING doomed WHERE ct.ctid = doomed.ctid
      RETURNING ct.organization_id, ct.contact_id, ct.tag_source, ct.tag_id, ct.origin, ct.ref_type,
        ct.tag_count, ct.first_tagged_at, ct.last_tagged_at, ct.expires_at,
        (SELECT name FROM tags t WHERE t.organization_id = ct.organization_id
           AND t.source = ct.tag_source AND t.id = ct.tag_id) AS tag_name,
        EXISTS (SELECT 1 FROM contact_tags o WHERE o.organization_id = ct.organization_id
          AND o.contact_id = ct.contact_id AND o.tag_source = ct.tag_source AND o.tag_id = ct.tag_id
          AND o.origin <> ct.origin AND (o.expires_at IS NULL OR o.expires_at > \(now))) AS kept
      """)
    var byTag: [TagScope: [Int64]] = [:]
    // Contacts that stop being members: no other (unexpired) row of the tag keeps them (T12).
    var lostMembers: [TagScope: Int64] = [:]
    var directRows: [TagScope: Int64] = [:]
    var changes: [AssociationChange] = []
    for row in rows {
      let organization = try row.decode("organization_id", as: Int64.self)
      let key = TagKey(
        id: try row.decode("tag_id", as: Int64.self),
        source: TagSource(rawValue: try row.decode("tag_source", as: String.self)) ?? .maac)
      let contactID = try row.decode("contact_id", as: Int64.self)
      let scope = TagScope(organizationID: organization, key: key)
      byTag[scope, default: []].append(contactID)
      if try !row.decode("kept", as: Bool.self) { lostMembers[scope, default: 0] += 1 }
      if try row.decode("origin", as: String.self) == Origin.direct.rawValue {
        directRows[scope, default: 0] += 1
      }
      changes.append(
        AssociationChange(
          organizationID: organization, contactID: contactID, tag: key,
          tagName: try row.decode("tag_name", as: String?.self) ?? "", isAttached: false,
          origin: Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct,
          refType: RefType(rawValue: try row.decode("ref_type", as: String.self)) ?? .none,
          tagCount: try row.decode("tag_count", as: Int32.self),
          firstTaggedAt: try row.decode("first_tagged_at", as: Date.self),
          lastTaggedAt: try row.decode("last_tagged_at", as: Date.self),
          expiresAt: try row.decode("expires_at", as: Date?.self), reason: .expired, occurredAt: now
        ))
    }
    for (scope, contacts) in byTag {
      try await associations.adjustCounters(
        scope.key, organizationID: scope.organizationID, members: -(lostMembers[scope] ?? 0),
        direct: -(directRows[scope] ?? 0), on: connection)
      try await associations.recordRemovals(
        scope.key, organizationID: scope.organizationID, contactIDs: contacts, reason: .expired,
        ref: nil, at: now, on: connection)
    }
    try await associations.outbox.append(changes.flatMap(\.events), on: connection)
    return rows.count
  }

  private struct TagScope: Hashable {
    let organizationID: Int64
    let key: TagKey
  }
}
