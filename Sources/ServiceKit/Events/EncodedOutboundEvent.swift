import Foundation
import SwiftProtobuf

/// An event whose payload is already serialized: what the outbox stores.
///
/// Producers of bulk changes (imports) serialize payloads away from the transaction that
/// appends them, so that a batch's events cost the transaction only their bytes.
public struct EncodedOutboundEvent: Sendable {
  public var eventType: String
  public var organizationID: Int64
  /// The request that caused the change; empty for system jobs.
  public var requestID: String
  /// The payload's type URL, as in `google.protobuf.Any`.
  public var payloadType: String
  /// The payload message's protobuf bytes.
  public var payload: Data

  /// An event of `payloadType`'s messages, serialized as `payload`.
  public init(
    eventType: String, organizationID: Int64, requestID: String,
    payloadType: any SwiftProtobuf.Message.Type, payload: Data
  ) {
    self.eventType = eventType
    self.organizationID = organizationID
    self.requestID = requestID
    self.payloadType = Self.typeURL(of: payloadType)
    self.payload = payload
  }

  /// `event` with its payload serialized.
  public init(_ event: OutboundEvent) throws {
    self.eventType = event.eventType
    self.organizationID = event.organizationID
    self.requestID = event.requestID
    self.payloadType = Self.typeURL(of: type(of: event.payload))
    self.payload = try event.payload.serializedData()
  }

  /// The type URL `google.protobuf.Any` gives messages of `type` (its default prefix).
  static func typeURL(of type: any SwiftProtobuf.Message.Type) -> String {
    "type.googleapis.com/" + type.protoMessageName
  }
}
