internal import CNGHTTP2
internal import GRPCCore
internal import NIOCore

/// Non-gRPC requests (``HTTP2PlainResponder``): collected on the event loop, answered on a
/// task, written back as one response HEADERS frame plus DATA.
extension ServerConnectionHandler {
  func dispatchPlain(_ stream: ServerStream, exchange: PlainExchange) {
    guard let responder = self.configuration.plainResponder else { return }
    var headers: [(name: String, value: String)] = []
    if let contentType = stream.contentType { headers.append(("content-type", contentType)) }
    if let encoding = stream.grpcEncoding { headers.append(("grpc-encoding", encoding)) }
    for (key, value) in stream.metadata {
      switch value {
      case .string(let string): headers.append((key, string))
      case .binary(let bytes):
        headers.append((key, String(decoding: Base64.encode(bytes), as: UTF8.self)))
      }
    }
    stream.metadata = [:]
    let request = HTTP2PlainRequest(
      method: stream.method ?? "", path: stream.path ?? "", authority: stream.authority,
      headers: headers, body: exchange.takeBody(), bodyTooLarge: exchange.tooLarge,
      remotePeer: self.remotePeer)
    let mailbox = self.mailbox
    exchange.task = Task {
      let response = await responder.respond(to: request)
      mailbox.post(.plainResponse(stream, response))
    }
  }

  func sendPlainResponse(_ stream: ServerStream, _ response: HTTP2PlainResponse) {
    guard self.streams[stream.streamID] === stream, stream.responseState == .idle,
      let exchange = stream.plain
    else { return }
    exchange.task = nil
    var block = HeaderBlock()
    block.add(":status", String(response.status))
    for (name, value) in response.headers {
      let lower = name.lowercased()
      if Self.isForbiddenInHTTP2(lower) { continue }
      block.add(lower, value)
    }
    if response.body.isEmpty {
      block.withNameValuePairs { nva, count in
        _ = nghttp2_submit_response(self.session.pointer, stream.streamID, nva, count, nil)
      }
    } else {
      exchange.setResponse(response.body)
      var provider = self.session.dataProvider
      block.withNameValuePairs { nva, count in
        _ = nghttp2_submit_response(self.session.pointer, stream.streamID, nva, count, &provider)
      }
    }
    stream.responseState = .ended
  }

  /// Pseudo-headers are the transport's; connection-specific fields are illegal in HTTP/2
  /// (RFC 9113 §8.2.2).
  static func isForbiddenInHTTP2(_ name: String) -> Bool {
    if name.utf8.first == UInt8(ascii: ":") { return true }
    switch name {
    case "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection":
      return true
    default:
      return false
    }
  }
}
