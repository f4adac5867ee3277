import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import TagsDomain

/// Removes the associations of soft-deleted tags in the background, in batches (T14): the tag
/// vanished from reads when `DeleteTag` committed; this brings `member_count` to 0 and writes
/// `remove` history with reason `tag_deleted`, without per-contact events (Q8).
struct DeletedTagCleaner: ServiceLifecycle.Service {
  let pool: PostgresPool
  let associations: AssociationStore
  var jobs = TagJobStore()
  var batchSize = 20_000
  var pollInterval: Duration = .milliseconds(500)
  let logger: Logger

  func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          try await cleanAll()
        } catch is CancellationError {
          return
        } catch {
          logger.error("deleted-tag clean-up failed; retrying", metadata: ["error": "\(error)"])
        }
        try? await Task.sleep(for: pollInterval)
      }
    }
  }

  /// Cleans every pending tag completely.
  func cleanAll() async throws {
    let rows = try await pool.query(
      "SELECT organization_id, source, id FROM tags WHERE cleanup_pending ORDER BY deleted_at LIMIT 100"
    )
    for row in rows {
      let organizationID = try row.decode("organization_id", as: Int64.self)
      let key = TagKey(
        id: try row.decode("id", as: Int64.self),
        source: TagSource(rawValue: try row.decode("source", as: String.self)) ?? .maac)
      while true {
        try Task.checkCancellation()
        let removed = try await pool.withTransaction { connection in
          try await purge(key, organizationID: organizationID, limit: batchSize, on: connection)
        }
        if removed == 0 { break }
      }
    }
    // A job is done when none of its tags waits for clean-up (T14 job_id).
    try await pool.withTransaction { connection in try await jobs.finishCleanups(on: connection) }
  }

  /// Removes up to `limit` (nil = all) associations of a deleted tag; when none remain, the
  /// tag's clean-up is done and its counters are 0.
  @discardableResult
  func purge(_ key: TagKey, organizationID: Int64, limit: Int?, on connection: PostgresConnection)
    async throws -> Int
  {
    // Whole contacts per batch (their direct and inherited rows together), so each removed
    // contact is one member less (T12).
    let rows = try await connection.query(
      """
      WITH doomed AS (
        SELECT DISTINCT contact_id FROM contact_tags
        WHERE organization_id = \(organizationID) AND tag_source = \(key.source.rawValue)
          AND tag_id = \(key.id)
        ORDER BY contact_id LIMIT \(Int64(limit ?? Int(Int32.max)))
      )
      DELETE FROM contact_tags ct USING doomed
      WHERE ct.organization_id = \(organizationID) AND ct.tag_source = \(key.source.rawValue)
        AND ct.tag_id = \(key.id) AND ct.contact_id = doomed.contact_id
      RETURNING ct.contact_id, ct.origin
      """)
    var byOrigin: [Origin: [Int64]] = [:]
    var contacts = Set<Int64>()
    for row in rows {
      let origin = Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct
      let contactID = try row.decode("contact_id", as: Int64.self)
      byOrigin[origin, default: []].append(contactID)
      contacts.insert(contactID)
    }
    let members = Int64(contacts.count)
    let contactIDs = byOrigin.values.flatMap { $0 }
    let now = Date()
    if !contactIDs.isEmpty {
      try await associations.adjustCounters(
        key, organizationID: organizationID, members: -members,
        direct: -Int64(byOrigin[.direct]?.count ?? 0), on: connection)
      for (origin, ids) in byOrigin.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        try await associations.recordRemovals(
          key, organizationID: organizationID, contactIDs: ids, reason: .tagDeleted, ref: nil,
          at: now, origin: origin, on: connection)
      }
    }
    try await jobs.recordCleanup(
      key, organizationID: organizationID, removed: contactIDs.count, on: connection)
    if limit == nil || contacts.count < limit! {
      try await connection.execute(
        """
        UPDATE tags SET cleanup_pending = false
        WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
        """)
      try await connection.execute(
        """
        UPDATE tag_counters SET member_count = 0, direct_member_count = 0
        WHERE organization_id = \(organizationID) AND source = \(key.source.rawValue) AND id = \(key.id)
        """)
    }
    return contacts.count
  }
}
