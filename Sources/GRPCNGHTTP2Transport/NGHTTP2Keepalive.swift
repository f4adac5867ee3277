/// HTTP/2 PING keepalive: after `interval` the endpoint sends a PING and closes the connection
/// if no PING ACK arrives within `timeout`.
public struct NGHTTP2Keepalive: Sendable, Hashable {
  /// Time between PINGs.
  public var interval: Duration
  /// How long to wait for the PING ACK before closing the connection.
  public var timeout: Duration
  /// Whether to PING while no RPC is open on the connection.
  public var permitWithoutCalls: Bool

  public init(interval: Duration, timeout: Duration, permitWithoutCalls: Bool = false) {
    self.interval = interval
    self.timeout = timeout
    self.permitWithoutCalls = permitWithoutCalls
  }
}
