import Foundation
import MAACContracts
import SwiftProtobuf
import TagsDomain

/// One association change, published on `tags.member_tag.v1` and, when eligible, on the
/// `member.tag.update` trigger feed (§7.1, T22, T24).
struct AssociationChange: Sendable {
  var organizationID: Int64
  var contactID: Int64
  var tag: TagKey
  var tagName: String
  var isAttached: Bool
  var origin: Origin = .direct
  var refType: RefType = .none
  var taggedVia: TaggedVia?
  var ref: TagRef?
  var isNewAttachment: Bool = false
  var tagCount: Int32 = 0
  var firstTaggedAt: Date?
  var lastTaggedAt: Date?
  var expiresAt: Date?
  var reason: RemoveReason?
  var stillHasTag: Bool = false
  var occurredAt: Date

  /// The events this change publishes.
  var events: [PendingEvent] {
    let change = self
    var events = [
      PendingEvent(
        eventType: TagEventRouting.memberTagStream, organizationID: organizationID,
        build: { sequence in change.memberTagChanged(sequence: sequence) })
    ]
    if TagEventRouting.publishesTrigger(origin: origin, removeReason: isAttached ? nil : reason) {
      events.append(
        PendingEvent(
          eventType: TagEventRouting.triggerFeed, organizationID: organizationID,
          build: { sequence in change.memberTagUpdate(sequence: sequence) }))
    }
    return events
  }

  func memberTagChanged(sequence: Int64) -> Maac_Tags_V1_MemberTagChanged {
    var event = Maac_Tags_V1_MemberTagChanged()
    event.eventID = sequence
    event.sequence = sequence
    event.occurredAt = Google_Protobuf_Timestamp(date: occurredAt)
    event.orgID = organizationID
    event.memberSource = .maac
    event.memberID = contactID
    event.tagSource = ProtoMapping.wire(tag.source)
    event.tagID = tag.id
    event.tagName = tagName
    event.isAttached = isAttached
    event.origin = ProtoMapping.wire(origin)
    event.refType = ProtoMapping.wire(refType)
    event.taggedVia = ProtoMapping.wire(taggedVia)
    if let ref { event.ref = ProtoMapping.wire(ref) }
    event.isNewAttachment = isNewAttachment
    event.tagCount = tagCount
    if let firstTaggedAt { event.firstTaggedAt = Google_Protobuf_Timestamp(date: firstTaggedAt) }
    if let lastTaggedAt { event.lastTaggedAt = Google_Protobuf_Timestamp(date: lastTaggedAt) }
    if let expiresAt { event.expiresAt = Google_Protobuf_Timestamp(date: expiresAt) }
    event.reason = ProtoMapping.wire(reason)
    event.stillHasTag = stillHasTag
    return event
  }

  /// The legacy `member.tag.update` envelope (`000_cdf4c795f079462f.txt:5698-5723`).
  func memberTagUpdate(sequence: Int64) -> Maac_Tags_V1_MemberTagUpdate {
    var member = Maac_Common_V1_MemberRef()
    member.source = .maac
    member.memberID = contactID
    var tagItem = Maac_Tags_V1_MemberTagUpdateTag()
    tagItem.tagID = tag.id
    tagItem.source = ProtoMapping.wire(tag.source)
    tagItem.action = isAttached ? .add : .delete
    tagItem.tagName = tagName
    var item = Maac_Tags_V1_MemberTagUpdateItem()
    item.topic = "member.tag.update"
    item.timestamp = Google_Protobuf_Timestamp(date: occurredAt)
    item.unifiedChannelEntities = [member]
    item.tags = [tagItem]
    var event = Maac_Tags_V1_MemberTagUpdate()
    event.eventID = sequence
    event.metadata.type = "member_tag_update"
    event.events = [item]
    event.taggedVia = ProtoMapping.wire(taggedVia)
    event.isNewAttachment = isNewAttachment
    return event
  }
}

/// A definition change on `tags.tag.v1` (T4, T14, T15).
struct DefinitionChange: Sendable {
  var record: TagRecord
  var eventType: String
  var oldName: String?
  var occurredAt: Date

  var event: PendingEvent {
    let change = self
    return PendingEvent(
      eventType: TagEventRouting.definitionStream,
      organizationID: record.definition.organizationID,
      build: { sequence in change.message(sequence: sequence) })
  }

  func message(sequence: Int64) -> Maac_Tags_V1_TagDefinitionChanged {
    let definition = record.definition
    var event = Maac_Tags_V1_TagDefinitionChanged()
    event.eventID = sequence
    event.sequence = sequence
    event.occurredAt = Google_Protobuf_Timestamp(date: occurredAt)
    event.orgID = definition.organizationID
    event.tagSource = ProtoMapping.wire(definition.key.source)
    event.tagID = definition.key.id
    event.eventType = eventType
    event.name = definition.name
    if let oldName { event.oldName = oldName }
    event.createdVia = ProtoMapping.wire(definition.createdVia)
    event.expiry = ProtoMapping.wire(definition.expiry)
    event.version = definition.version
    return event
  }
}
