import ContactsDomain
import Foundation
import MAACContracts
import ServiceKit
import SwiftProtobuf

/// Serializes the `contact.created` payloads of many contacts that share one cause and one
/// time (an import batch): the same bytes as building each `ContactCreated` and serializing it
/// (`CreatedEventEncoderTests`), at a fraction of the cost.
///
/// A created contact's payload is mostly its `changes`, one per non-empty attribute, and each
/// of them repeats the batch's `source_timestamp`, `origin` and `via`. Those fields, and the
/// cause, are serialized once; per contact only the state and each change's attribute and
/// values are. Serializing every payload whole was a third of the service's CPU in an import
/// (#5 Scale), most of it in the nested messages of each change.
struct CreatedEventEncoder: Sendable {
  /// `cause` (field 1) of `ContactCreated`, without an event id (see ``ContactEvents/stamped``).
  private let causeField: [UInt8]
  /// Fields 4 to 6 of `AttributeChange`, the same for every change.
  private let changeTail: [UInt8]

  // Field numbers of events.proto, for the parts written here.
  private static let changesField = 5  // ContactCreated.changes
  private static let attributeField = 1  // AttributeChange.attribute
  private static let previousValueField = 2  // AttributeChange.previous_value
  private static let newValueField = 3  // AttributeChange.new_value

  init(cause: ChangeCause, at time: Date) throws {
    var head = Maac_Contacts_V1_ContactCreated()
    head.cause = ContactEvents.cause(cause, eventID: 0)
    causeField = try head.serializedBytes()
    var tail = Maac_Contacts_V1_AttributeChange()
    tail.sourceTimestamp = ContactMapping.timestamp(time)
    tail.origin = ContactMapping.origin(cause.origin)
    if let via = cause.via { tail.via = via }
    changeTail = try tail.serializedBytes()
  }

  /// The payload of `contact`'s `contact.created`, without its event id.
  func payload(for contact: Contact) throws -> Data {
    var body = Maac_Contacts_V1_ContactCreated()
    body.contactID = contact.id
    body.sourceVersion = contact.version
    body.state = ContactEvents.state(contact)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1024)
    bytes += causeField
    bytes += try body.serializedBytes() as [UInt8]
    var change: [UInt8] = []
    for attributeChange in AttributeChange.between(nil, contact) {
      change.removeAll(keepingCapacity: true)
      let attribute = attributeChange.attribute.rawValue
      // proto3 leaves a plain field out when it has its default value (the values are
      // `optional`: present even when empty).
      if !attribute.isEmpty {
        ProtobufWire.appendString(attribute, field: Self.attributeField, to: &change)
      }
      if let value = attributeChange.previousValue {
        ProtobufWire.appendString(value, field: Self.previousValueField, to: &change)
      }
      if let value = attributeChange.newValue {
        ProtobufWire.appendString(value, field: Self.newValueField, to: &change)
      }
      change += changeTail
      ProtobufWire.appendLengthDelimited(change, field: Self.changesField, to: &bytes)
    }
    return Data(bytes)
  }
}
