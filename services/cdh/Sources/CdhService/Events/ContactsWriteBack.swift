import CDHDomain
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit

/// Writes CDH's merged profiles back to the contacts service (cdh.md §1.4 point 4, U27, U28):
/// follows CDH's own outbox (`cdh.contact_profile.v1`) with a cursor in CDH's schema and
/// calls `ContactsIngest/ApplyProfileBroadcast` once per item and organization. The cursor
/// advances in the same transaction only after contacts answered, so a failed call is
/// retried; contacts dedupes by event id and item version (C49), which makes the retry safe.
public struct ContactsWriteBack: Sendable {
  static let cursorProducer = "cdh_outbox"
  let runtime: CDHRuntime
  let pool: PostgresPool
  let outbox: Outbox
  let logger: Logger

  public init(runtime: CDHRuntime, pool: PostgresPool, outbox: Outbox, logger: Logger) {
    self.runtime = runtime
    self.pool = pool
    self.outbox = outbox
    self.logger = logger
  }

  /// The contact-level values of a broadcast as contacts' request wants them.
  static func fieldMap(_ fields: Maac_Cdh_V1_ContactFields) -> [String: String] {
    var map: [String: String] = [:]
    if fields.hasDisplayName { map["display_name"] = fields.displayName }
    if fields.hasFullName { map["full_name"] = fields.fullName }
    if fields.hasDisplayMobile { map["display_mobile"] = fields.displayMobile }
    if fields.hasDisplayEmail { map["display_email"] = fields.displayEmail }
    if fields.hasRegion { map["region"] = fields.region }
    if fields.hasCity { map["city"] = fields.city }
    if fields.hasAddress { map["address"] = fields.address }
    if fields.hasBirthday { map["birthday"] = fields.birthday }
    if fields.hasGender, let gender = ContractMapping.genderText(fields.gender) {
      map["gender"] = gender
    }
    if fields.hasCompany { map["company"] = fields.company }
    if fields.hasAccountManager { map["account_manager"] = fields.accountManager }
    if fields.hasCustomID { map["custom_id"] = fields.customID }
    if fields.hasMemberLevel { map["member_level"] = fields.memberLevel }
    if fields.hasConnectID { map["connect_id"] = fields.connectID }
    if fields.hasStarMark { map["star_mark"] = fields.starMark ? "true" : "false" }
    for (key, value) in fields.customFields { map[ProfileField.customFieldPrefix + key] = value }
    return map
  }

  /// Runs until cancelled, calling the contacts service at `address`.
  public func run(contacts address: HostAndPort) async throws {
    let target: NGHTTP2ClientTransport.Target =
      address.isIPv6
      ? .ipv6(host: address.host, port: address.port)
      : .ipv4(host: address.host, port: address.port)
    try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target)) { client in
      let ingest = Maac_Contacts_V1_ContactsIngest.Client(wrapping: client)
      let cursors = EventCursorStore(consumer: "cdh_contacts_writer")
      var backoff = Duration.milliseconds(50)
      while !Task.isCancelled {
        do {
          let after = try await cursors.lastSequence(from: Self.cursorProducer, pool: pool)
          let events = try await outbox.events(
            after: after, organizationID: nil,
            eventTypes: [OutboundEventBuilder.contactProfileType],
            limit: 100, pool: pool)
          if events.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            continue
          }
          for envelope in events {
            // Delivered before the cursor moves, with no connection of ours held across the
            // call: contacts may hold a member's row while it waits for CDH (a person-level
            // write, C48), and a write-back holding a connection meanwhile could leave CDH's
            // pool without one for that very call. A crash in between delivers the event
            // again, which contacts applies as a no-op (same version, same values).
            try await deliver(envelope, ingest: ingest)
            _ = try await pool.withTransaction { connection in
              try await cursors.advance(
                from: Self.cursorProducer, to: envelope.sequence, on: connection)
            }
          }
          backoff = .milliseconds(50)
        } catch {
          if Task.isCancelled { return }
          logger.warning("contacts write-back failed; retrying", metadata: ["error": "\(error)"])
          try? await Task.sleep(for: backoff)
          backoff = min(backoff * 2, .seconds(5))
        }
      }
    }
  }

  func deliver(
    _ envelope: Maac_Common_V1_EventEnvelope,
    ingest: Maac_Contacts_V1_ContactsIngest.Client<NGHTTP2ClientTransport>
  ) async throws {
    let message = try Maac_Cdh_V1_ContactProfileChanged(unpackingAny: envelope.payload)
    let type = ContractMapping.broadcastTypeName(message.metadata.type)
    for item in message.events {
      let members = item.unifiedChannelEntities.filter { $0.source == .maac }.map(\.memberID)
      // Contacts takes the organization from metadata: one call per org of the members.
      let byOrg = await runtime.read { engine in
        Dictionary(grouping: members) {
          engine.entities[.maac($0)]?.org.orgID ?? envelope.organizationID
        }
      }
      let fields = Self.fieldMap(item.profile.fields)
      var request = Maac_Contacts_V1_ApplyProfileBroadcastRequest()
      request.eventID = envelope.sequence
      request.version = item.version
      request.fields = fields
      request.clearedFields = ProfileField.contactLevel.filter { fields[$0] == nil }
      request.provenance = item.provenance.map { provenance in
        .with {
          $0.field = provenance.field
          $0.sourceTimestamp = provenance.sourceTimestamp
        }
      }
      request.metadataType = type
      for (org, ids) in byOrg.sorted(by: { $0.key < $1.key }) {
        request.memberIds = ids
        let caller = CallerContext(
          organizationID: org, userID: "system:cdh", requestID: "cdh-\(envelope.sequence)")
        _ = try await ingest.applyProfileBroadcast(request, metadata: caller.metadata)
      }
    }
  }
}
