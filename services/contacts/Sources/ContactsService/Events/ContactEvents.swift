import ContactsDomain
import Foundation
import MAACContracts
import ServiceKit
import SwiftProtobuf

/// The events contacts publishes (§6.1), built from domain changes.
enum ContactEvents {
  static let created = "contact.created"
  static let updated = "contact.updated"
  static let deleted = "contact.deleted"
  static let importFinished = "contact.import.finished"
  static let exportFinished = "contact.export.finished"

  static func cause(_ cause: ChangeCause, eventID: Int64) -> Maac_Contacts_V1_EventCause {
    var message = Maac_Contacts_V1_EventCause()
    message.eventID = eventID
    message.origin = ContactMapping.origin(cause.origin)
    message.actor = cause.actor
    message.correlationID = cause.correlationID
    return message
  }

  /// The filterable state after a change (§6.1).
  static func state(_ contact: Contact) -> Maac_Contacts_V1_ContactState {
    var state = Maac_Contacts_V1_ContactState()
    state.channelType = ContactMapping.channelType(contact.channelType)
    state.channelID = contact.channelID ?? 0
    state.externalMemberID = contact.externalIDRaw
    if contact.channelType == .line {
      state.lineFollowStatus = ContactMapping.lineStatus(contact.lineFollowStatus)
    }
    state.emailStatus = ContactMapping.emailStatus(contact.emailStatus)
    state.whatsappStatus = ContactMapping.whatsappStatus(contact.whatsappStatus)
    if contact.channelType == .sms {
      state.phoneStatus =
        switch contact.phoneStatus {
        case .valid: .valid
        case .invalid: .invalid
        case nil: .unknown
        }
    }
    state.hasLineUid_p = contact.channelType == .line
    if let value = contact.displayMobile { state.displayMobile = value }
    if let value = contact.originalMobile { state.originalMobile = value }
    if let value = contact.displayEmail { state.displayEmail = value }
    if let value = contact.customerID { state.customerID = value }
    state.gender = ContactMapping.gender(contact.gender.resolved.gender)
    if let value = contact.birthday { state.birthday = value.description }
    state.engagementLevel = ContactMapping.engagement(contact.engagementLevel)
    state.acquisitionSource = ContactMapping.acquisition(contact.acquisitionSource)
    state.createdAt = ContactMapping.timestamp(contact.createdAt)
    if let at = contact.lastInteractionAt { state.lastInteractionAt = ContactMapping.timestamp(at) }
    state.reachable = contact.reachable
    let resolved = contact.resolvedName
    state.resolvedName = resolved.name
    state.nameSource = ContactMapping.nameSource(resolved.source)
    if let at = contact.deletedAt { state.deletedAt = ContactMapping.timestamp(at) }
    return state
  }

  static func changes(_ changes: [AttributeChange], cause: ChangeCause, at time: Date)
    -> [Maac_Contacts_V1_AttributeChange]
  {
    // One timestamp and origin for every change of the event (a created contact has dozens).
    let timestamp = ContactMapping.timestamp(time)
    let origin = ContactMapping.origin(cause.origin)
    return changes.map { change in
      var message = Maac_Contacts_V1_AttributeChange()
      message.attribute = change.attribute.rawValue
      if let value = change.previousValue { message.previousValue = value }
      if let value = change.newValue { message.newValue = value }
      message.sourceTimestamp = timestamp
      message.origin = origin
      if let via = cause.via { message.via = via }
      return message
    }
  }

  /// The event for one change of `after` (created when `before` is nil, deleted when it got
  /// `deleted_at`), with before/after values (C68).
  static func event(
    before: Contact?, after: Contact, changes: [AttributeChange], cause: ChangeCause,
    eventID: Int64,
    at time: Date, requestID: String
  ) -> OutboundEvent {
    if before == nil {
      var message = Maac_Contacts_V1_ContactCreated()
      message.cause = Self.cause(cause, eventID: eventID)
      message.contactID = after.id
      message.sourceVersion = after.version
      message.state = state(after)
      message.changes = Self.changes(changes, cause: cause, at: time)
      return OutboundEvent(
        eventType: created, organizationID: after.organizationID, payload: message,
        requestID: requestID)
    }
    if before?.deletedAt == nil, let deletedAt = after.deletedAt {
      var message = Maac_Contacts_V1_ContactDeleted()
      message.cause = Self.cause(cause, eventID: eventID)
      message.contactID = after.id
      message.sourceVersion = after.version
      message.deletedAt = ContactMapping.timestamp(deletedAt)
      message.channelType = ContactMapping.channelType(after.channelType)
      message.externalMemberID = after.externalIDRaw
      return OutboundEvent(
        eventType: deleted, organizationID: after.organizationID, payload: message,
        requestID: requestID)
    }
    var message = Maac_Contacts_V1_ContactUpdated()
    message.cause = Self.cause(cause, eventID: eventID)
    message.contactID = after.id
    message.sourceVersion = after.version
    message.state = state(after)
    message.changes = Self.changes(changes, cause: cause, at: time)
    return OutboundEvent(
      eventType: updated, organizationID: after.organizationID, payload: message,
      requestID: requestID)
  }

  /// `payload` (from ``CreatedEventEncoder``, which leaves the event id out: imports encode a
  /// batch's payloads before its transaction, while the previous batch is being stored) with
  /// `cause.event_id` set to `eventID`:
  /// protobuf parsers merge a repeated embedded message field into the one read before it, so
  /// appending a `ContactCreated` that holds only `cause.event_id` sets that one field.
  static func stamped(_ payload: Data, eventID: Int64) throws -> Data {
    var stamp = Maac_Contacts_V1_ContactCreated()
    stamp.cause.eventID = eventID
    return payload + (try stamp.serializedData())
  }
}
