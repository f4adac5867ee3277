import CDHDomain
import Foundation
import MAACContracts
import SwiftProtobuf

/// Turns the contacts and tags event streams (cdh.md §5.3) into domain events.
enum InboundEventTranslator {
  /// The contact event types CDH follows.
  static let contactEventTypes = ["contact.created", "contact.updated", "contact.deleted"]
  /// The tag event types CDH follows.
  static let tagEventTypes = ["tags.member_tag.v1", "tags.tag.v1"]
  /// The admin center event types CDH follows.
  static let adminEventTypes = ["organization.updated"]

  /// An organization as admin center reports it; admin center's organizations are MAAC's
  /// (source `maac`). The region sets the default phone country (§5.3: `tw` → `TW`, ...).
  static func organization(_ envelope: Maac_Common_V1_EventEnvelope) throws -> OrgInfo? {
    guard envelope.eventType == "organization.updated" else { return nil }
    let event = try Maac_Admin_V1_OrganizationUpdated(unpackingAny: envelope.payload)
    let country: String =
      switch event.region {
      case .th: "TH"
      case .jp: "JP"
      default: "TW"
      }
    return OrgInfo(
      org: OrgRef(event.organizationID, .maac), orgUUID: event.uuid.isEmpty ? nil : event.uuid,
      name: event.name.isEmpty ? nil : event.name, defaultCountry: country)
  }

  static func origin(_ origin: Maac_Contacts_V1_Origin) -> ChangeOrigin {
    switch origin {
    case .user: .user
    case .api: .api
    case .import: .import
    case .channel: .channel
    case .cdh: .cdh
    default: .system
    }
  }

  static func channelType(_ type: Maac_Common_V1_ChannelType) -> String {
    switch type {
    case .line: "line"
    case .facebook: "facebook"
    case .instagram: "instagram"
    case .whatsapp: "whatsapp"
    case .sms: "sms"
    case .email: "email"
    default: "unknown"
    }
  }

  static func changes(_ changes: [Maac_Contacts_V1_AttributeChange], fallback: Instant)
    -> [InboundAttributeChange]
  {
    changes.map { change in
      InboundAttributeChange(
        attribute: change.attribute,
        previousValue: change.hasPreviousValue ? change.previousValue : nil,
        newValue: change.hasNewValue ? change.newValue : nil,
        sourceTimestamp: change.hasSourceTimestamp
          ? ContractMapping.instant(change.sourceTimestamp) : fallback,
        origin: origin(change.origin))
    }
  }

  static func state(_ state: Maac_Contacts_V1_ContactState) -> InboundEntityState {
    InboundEntityState(
      channelType: channelType(state.channelType),
      channelID: state.channelID == 0 ? nil : state.channelID, reachable: state.reachable,
      createdAt: state.hasCreatedAt ? ContractMapping.instant(state.createdAt) : nil)
  }

  /// A contact event, or nil for a type CDH does not follow.
  static func entityEvent(_ envelope: Maac_Common_V1_EventEnvelope) throws -> EntityEvent? {
    let org = OrgRef(envelope.organizationID)
    let occurredAt = ContractMapping.instant(envelope.occurredAt)
    switch envelope.eventType {
    case "contact.created":
      let event = try Maac_Contacts_V1_ContactCreated(unpackingAny: envelope.payload)
      return EntityEvent(
        eventID: envelope.sequence, kind: .created, member: .maac(event.contactID), org: org,
        occurredAt: occurredAt, origin: origin(event.cause.origin), actor: event.cause.actor,
        state: state(event.state), changes: changes(event.changes, fallback: occurredAt))
    case "contact.updated":
      let event = try Maac_Contacts_V1_ContactUpdated(unpackingAny: envelope.payload)
      return EntityEvent(
        eventID: envelope.sequence, kind: .updated, member: .maac(event.contactID), org: org,
        occurredAt: occurredAt, origin: origin(event.cause.origin), actor: event.cause.actor,
        state: event.hasState ? state(event.state) : nil,
        changes: changes(event.changes, fallback: occurredAt))
    case "contact.deleted":
      let event = try Maac_Contacts_V1_ContactDeleted(unpackingAny: envelope.payload)
      return EntityEvent(
        eventID: envelope.sequence, kind: .deleted, member: .maac(event.contactID), org: org,
        occurredAt: event.hasDeletedAt ? ContractMapping.instant(event.deletedAt) : occurredAt,
        origin: origin(event.cause.origin), actor: event.cause.actor)
    default:
      return nil
    }
  }

  /// A tag event: an association change, or a deleted definition (U38).
  enum TagChange {
    case association(TagEvent)
    case deleted(TagKey, OrgRef)
  }

  static func tagChange(_ envelope: Maac_Common_V1_EventEnvelope) throws -> TagChange? {
    switch envelope.eventType {
    case "tags.member_tag.v1":
      let event = try Maac_Tags_V1_MemberTagChanged(unpackingAny: envelope.payload)
      let org = OrgRef(event.orgID == 0 ? envelope.organizationID : event.orgID)
      return .association(
        TagEvent(
          eventID: envelope.sequence, org: org,
          member: MemberRef(ContractMapping.source(event.memberSource) ?? .maac, event.memberID),
          tag: TagKey(ContractMapping.source(event.tagSource) ?? .maac, event.tagID),
          tagName: event.tagName, isAttached: event.isAttached,
          occurredAt: event.hasOccurredAt
            ? ContractMapping.instant(event.occurredAt)
            : ContractMapping.instant(envelope.occurredAt),
          // T22: inherited attachments and CDH syncs are our own propagations coming back.
          isEcho: event.origin == .inherited || event.taggedVia == .cdhSync
            || event.taggedVia == .unification))
    case "tags.tag.v1":
      let event = try Maac_Tags_V1_TagDefinitionChanged(unpackingAny: envelope.payload)
      guard event.eventType == "tag.deleted" else { return nil }
      return .deleted(
        TagKey(ContractMapping.source(event.tagSource) ?? .maac, event.tagID),
        OrgRef(event.orgID == 0 ? envelope.organizationID : event.orgID))
    default:
      return nil
    }
  }
}
