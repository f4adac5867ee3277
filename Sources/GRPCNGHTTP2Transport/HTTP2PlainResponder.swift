/// Answers the non-gRPC requests of an HTTP/2 connection served by ``NGHTTP2ServerTransport``
/// (set ``NGHTTP2ServerTransport/Config/plainResponder``): an HTTP gateway serving REST and
/// gRPC on one h2c port gives its REST handler here.
///
/// Called once per request, on a task of its own, after the whole request body has arrived.
/// A stream reset by the client cancels that task; the response is then dropped.
public protocol HTTP2PlainResponder: Sendable {
  func respond(to request: HTTP2PlainRequest) async -> HTTP2PlainResponse
}

/// One complete non-gRPC HTTP/2 request.
public struct HTTP2PlainRequest: Sendable {
  /// `:method`, e.g. `GET`.
  public var method: String
  /// `:path`: the path plus an optional `?query`.
  public var path: String
  /// `:authority`, when the client sent one.
  public var authority: String?
  /// Every regular header field in arrival order (names lower-case, as HTTP/2 sends them).
  public var headers: [(name: String, value: String)]
  /// The request body (empty when there is none or it was too large).
  public var body: [UInt8]
  /// The body exceeded ``NGHTTP2ServerTransport/Config/maxPlainRequestBodySize``; it was
  /// discarded, and the responder should answer 413.
  public var bodyTooLarge: Bool
  /// The peer's address, e.g. `ipv4:127.0.0.1:53412`.
  public var remotePeer: String

  public init(
    method: String, path: String, authority: String? = nil,
    headers: [(name: String, value: String)], body: [UInt8], bodyTooLarge: Bool = false,
    remotePeer: String = ""
  ) {
    self.method = method
    self.path = path
    self.authority = authority
    self.headers = headers
    self.body = body
    self.bodyTooLarge = bodyTooLarge
    self.remotePeer = remotePeer
  }

  /// The first value of header `name` (compared case-insensitively).
  public func header(_ name: String) -> String? {
    let lower = name.lowercased()
    return self.headers.first(where: { $0.name.lowercased() == lower })?.value
  }
}

/// The answer to an ``HTTP2PlainRequest``.
public struct HTTP2PlainResponse: Sendable {
  /// The HTTP status code, e.g. 200.
  public var status: Int
  /// Response header fields. Names are lower-cased on the wire; pseudo-headers and
  /// connection-specific fields (`connection`, `keep-alive`, `transfer-encoding`, `upgrade`,
  /// `proxy-connection`), which HTTP/2 forbids, are left out.
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }
}
