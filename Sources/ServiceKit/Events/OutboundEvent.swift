import SwiftProtobuf

/// An event a service publishes, before the outbox gives it a sequence.
public struct OutboundEvent: Sendable {
  /// The name its producer's spec gives it, e.g. `contact.updated`.
  public var eventType: String
  public var organizationID: Int64
  /// The typed event message from `maac/<context>/v1/events.proto`.
  public var payload: any SwiftProtobuf.Message
  /// The request that caused the change; empty for system jobs.
  public var requestID: String

  public init(
    eventType: String,
    organizationID: Int64,
    payload: any SwiftProtobuf.Message,
    requestID: String = CallerContext.current?.requestID ?? ""
  ) {
    self.eventType = eventType
    self.organizationID = organizationID
    self.payload = payload
    self.requestID = requestID
  }
}
