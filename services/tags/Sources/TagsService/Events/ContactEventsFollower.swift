import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import TagsDomain

/// Follows the contacts service's `ContactsEvents/Subscribe`: `contact.deleted` (T25) removes
/// every association of the deleted contact (history reason `contact_deleted`, counters down,
/// `tags.member_tag.v1` records but no trigger-feed events or webhooks) and remembers the
/// deletion so later applications answer `contact_not_found`; `contact.created` /
/// `contact.updated` keep the coverage copy of the contact's channel (T21).
///
/// ServiceKit's `EventConsumer` applies each event exactly once (cursor in this schema).
struct ContactEventsFollower: ServiceLifecycle.Service {
  /// ServiceKit's client of peer `contacts`.
  let contacts: GRPCClient<NGHTTP2ClientTransport>
  let pool: PostgresPool
  let lifecycle: ContactLifecycleStore
  var channels = ContactChannelCopy()
  let logger: Logger

  func run() async throws {
    let client = contacts
    await cancelWhenGracefulShutdown {
      do {
        let (lifecycle, channels) = (self.lifecycle, self.channels)
        let consumer = EventConsumer(
          consumer: "tags", producer: "contacts",
          method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor, client: client,
          pool: pool, eventTypes: ["contact.created", "contact.updated", "contact.deleted"],
          logger: logger
        ) { envelope, connection in
          let organizationID = envelope.organizationID
          switch envelope.eventType {
          case "contact.created":
            let created = try Maac_Contacts_V1_ContactCreated(unpackingAny: envelope.payload)
            try await channels.record(
              organizationID: organizationID, contactID: created.contactID,
              version: created.sourceVersion, state: created.state,
              at: envelope.occurredAt.date, on: connection)
          case "contact.updated":
            let updated = try Maac_Contacts_V1_ContactUpdated(unpackingAny: envelope.payload)
            guard updated.hasState else { return }
            try await channels.record(
              organizationID: organizationID, contactID: updated.contactID,
              version: updated.sourceVersion, state: updated.state,
              at: envelope.occurredAt.date, on: connection)
          case "contact.deleted":
            let deleted = try Maac_Contacts_V1_ContactDeleted(unpackingAny: envelope.payload)
            let at = deleted.hasDeletedAt ? deleted.deletedAt.date : envelope.occurredAt.date
            try await lifecycle.contactDeleted(
              organizationID: organizationID, contactID: deleted.contactID, at: at,
              on: connection)
            try await channels.delete(
              organizationID: organizationID, contactID: deleted.contactID, at: at,
              on: connection)
          default: return
          }
        }
        await consumer.run()
      }
    }
  }
}

/// What a contact's deletion does to the tag manager's data (T25).
struct ContactLifecycleStore: Sendable {
  let associations: AssociationStore

  /// Removes all of the contact's rows in the caller's transaction.
  func contactDeleted(
    organizationID: Int64, contactID: Int64, at deletedAt: Date, on connection: PostgresConnection
  )
    async throws
  {
    try await connection.execute(
      """
      INSERT INTO deleted_contacts (organization_id, contact_id, deleted_at)
      VALUES (\(organizationID), \(contactID), \(deletedAt)) ON CONFLICT DO NOTHING
      """)
    let rows = try await connection.query(
      """
      DELETE FROM contact_tags ct WHERE ct.organization_id = \(organizationID) AND ct.contact_id = \(contactID)
      RETURNING ct.tag_source, ct.tag_id, ct.origin, ct.ref_type, ct.tag_count,
        (SELECT name FROM tags t WHERE t.organization_id = ct.organization_id
           AND t.source = ct.tag_source AND t.id = ct.tag_id) AS tag_name
      """)
    let now = Date()
    var changes: [AssociationChange] = []
    // Per tag: how many of the contact's rows were direct, and which origins went.
    var perTag: [TagKey: (direct: Int64, origins: Set<Origin>)] = [:]
    for row in rows {
      let key = TagKey(
        id: try row.decode("tag_id", as: Int64.self),
        source: TagSource(rawValue: try row.decode("tag_source", as: String.self)) ?? .maac)
      let origin = Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct
      perTag[key, default: (0, [])].origins.insert(origin)
      if origin == .direct { perTag[key, default: (0, [])].direct += 1 }
      changes.append(
        AssociationChange(
          organizationID: organizationID, contactID: contactID, tag: key,
          tagName: try row.decode("tag_name", as: String?.self) ?? "", isAttached: false,
          origin: Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct,
          refType: RefType(rawValue: try row.decode("ref_type", as: String.self)) ?? .none,
          tagCount: try row.decode("tag_count", as: Int32.self), reason: .contactDeleted,
          occurredAt: now))
    }
    for (key, removed) in perTag {
      // The contact was one member of the tag, whatever the number of its rows (T12).
      try await associations.adjustCounters(
        key, organizationID: organizationID, members: -1, direct: -removed.direct, on: connection)
      for origin in removed.origins.sorted(by: { $0.rawValue < $1.rawValue }) {
        try await associations.recordRemovals(
          key, organizationID: organizationID, contactIDs: [contactID], reason: .contactDeleted,
          ref: nil, at: now, origin: origin, on: connection)
      }
    }
    try await associations.outbox.append(changes.flatMap(\.events), on: connection)
  }
}
