/// A `NOTIFY` received by a ``PostgresNotificationListener``.
public struct PostgresNotification: Sendable, Hashable {
  public var channel: String
  public var payload: String
  /// The server process that sent it.
  public var senderPID: Int32

  public init(channel: String, payload: String, senderPID: Int32) {
    self.channel = channel
    self.payload = payload
    self.senderPID = senderPID
  }
}
