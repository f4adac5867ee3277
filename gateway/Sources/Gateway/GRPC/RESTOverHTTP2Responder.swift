import GRPCNGHTTP2Transport
import NIOHTTP1

/// Serves the REST routes on HTTP/2 connections (h2c): the transport hands every non-gRPC
/// request here, and it goes through the same ``GatewayHandler`` as HTTP/1.1.
struct RESTOverHTTP2Responder: HTTP2PlainResponder {
  let handler: GatewayHandler

  func respond(to request: HTTP2PlainRequest) async -> HTTP2PlainResponse {
    var headers = HTTPHeaders()
    if let authority = request.authority { headers.add(name: "host", value: authority) }
    for (name, value) in request.headers { headers.add(name: name, value: value) }
    let response = await handler.handle(
      HTTPRequest(
        method: HTTPMethod(rawValue: request.method), uri: request.path, headers: headers,
        body: request.body, remoteAddress: Self.host(of: request.remotePeer)),
      bodyTooLarge: request.bodyTooLarge)
    var body = response.body
    if let stream = response.bodyStream {
      // HTTP/2 responses are sent whole; a failure after the first chunk resets the stream
      // here as a 500 rather than a cut-short body.
      do {
        body = try await stream.collect()
      } catch {
        stream.cancel()
        return HTTP2PlainResponse(
          status: 500, headers: [("content-type", "application/json; charset=utf-8")],
          body: ErrorRenderer.body(style: .code, code: "INTERNAL_ERROR", message: "Internal error"))
      }
    }
    return HTTP2PlainResponse(
      status: Int(response.status.code),
      headers: response.headers.map { (name: $0.0, value: $0.1) }, body: body)
  }

  /// `ipv4:127.0.0.1:5000` / `ipv6:[::1]:5000` → the host part (the rate limits' client key).
  static func host(of peer: String) -> String {
    var rest = Substring(peer)
    if let colon = rest.firstIndex(of: ":"), rest[..<colon].hasPrefix("ipv") {
      rest = rest[rest.index(after: colon)...]
    }
    if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
      return String(rest[rest.index(after: rest.startIndex)..<close])
    }
    if let colon = rest.lastIndex(of: ":") { return String(rest[..<colon]) }
    return String(rest)
  }
}
