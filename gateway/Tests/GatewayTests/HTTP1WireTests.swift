import Foundation
import NIOCore
import NIOPosix
import Testing

/// The HTTP/1.1 responses as bytes on the socket: the gateway encodes each complete response
/// itself into one buffer (status line, headers, `content-length`, body), so the framing is
/// checked byte by byte here, not through URLSession's forgiving parser.
@Suite("HTTP/1.1 wire format")
struct HTTP1WireTests {
  @Test(
    "Pipelined keep-alive requests are answered in order, each framed by content-length with x-request-id; Connection: close ends the connection (G1, G10)"
  )
  func pipelinedAndClose() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token(TestSigningKeys.claims(org: 1, user: "wire"))
      let get =
        "GET /api/member/v1/contacts/5 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(token)\r\n"
      let requests =
        get + "\r\n" + "GET /api/member/v1/nope HTTP/1.1\r\nHost: gw\r\n\r\n" + get
        + "Connection: close\r\n\r\n"
      let bytes = try await Self.exchange(port: environment.gateway.port, requests)
      let responses = try Self.parse(bytes)
      #expect(
        responses.map(\.statusLine) == [
          "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK",
        ])
      let bodies = responses.map { String(decoding: $0.body, as: UTF8.self) }
      #expect(bodies.count == 3)
      #expect(bodies.first?.contains(#""id":5"#) == true)
      #expect(bodies.dropFirst().first == #"{"code":"NOT_FOUND","message":"Route not found"}"#)
      #expect(bodies.last == bodies.first)
      for response in responses {
        #expect(response.headers["x-request-id"]?.isEmpty == false)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
      }
      #expect(responses.map { $0.headers["connection"] } == [nil, nil, "close"])
      #expect(environment.contacts.callCount == 2)
    }
  }

  @Test(
    "An HTTP/1.0 request without keep-alive gets an HTTP/1.0 response and the connection closes (G10)"
  )
  func http10() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token(TestSigningKeys.claims(org: 1, user: "wire"))
      let bytes = try await Self.exchange(
        port: environment.gateway.port,
        "GET /api/member/v1/contacts/5 HTTP/1.0\r\nAuthorization: Bearer \(token)\r\n\r\n")
      let responses = try Self.parse(bytes)
      #expect(responses.map(\.statusLine) == ["HTTP/1.0 200 OK"])
      #expect(responses.first?.headers["connection"] == "close")
      #expect(
        responses.first.map { String(decoding: $0.body, as: UTF8.self).contains(#""id":5"#) }
          == true)
    }
  }

  struct WireResponse {
    var statusLine: String
    /// Lower-cased names; a repeated name would fail the test.
    var headers: [String: String]
    var body: [UInt8]
  }

  struct Malformed: Error { var reason: String }

  /// Splits the bytes into responses by their `content-length`; no byte may be left over.
  static func parse(_ bytes: [UInt8]) throws -> [WireResponse] {
    var responses: [WireResponse] = []
    var rest = bytes[...]
    let separator = Array("\r\n\r\n".utf8)
    while !rest.isEmpty {
      guard let end = rest.firstRange(of: separator) else { throw Malformed(reason: "no head end") }
      let head = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
      var lines = head.components(separatedBy: "\r\n")
      let statusLine = lines.removeFirst()
      var headers: [String: String] = [:]
      for line in lines {
        guard let colon = line.firstIndex(of: ":") else { throw Malformed(reason: line) }
        let name = line[..<colon].lowercased()
        guard headers[name] == nil else { throw Malformed(reason: "repeated \(name)") }
        headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      guard let length = headers["content-length"].flatMap({ Int($0) }),
        rest[end.upperBound...].count >= length
      else { throw Malformed(reason: "bad content-length in \(head)") }
      let body = Array(rest[end.upperBound..<(end.upperBound + length)])
      responses.append(WireResponse(statusLine: statusLine, headers: headers, body: body))
      rest = rest[(end.upperBound + length)...]
    }
    return responses
  }

  /// Writes `requests` in one go and returns every byte read until the server closes.
  static func exchange(port: Int, _ requests: String) async throws -> [UInt8] {
    let collector = ByteCollector()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(collector)
        }
      }
      .connect(host: "127.0.0.1", port: port).get()
    try await channel.writeAndFlush(ByteBuffer(string: requests)).get()
    // The server closes after the last response; a hang would fail the test by its time-out.
    try await channel.closeFuture.get()
    return try await channel.eventLoop.submit { collector.bytes }.get()
  }

  final class ByteCollector: ChannelInboundHandler, @unchecked Sendable {
    // Only touched on the channel's event loop.
    typealias InboundIn = ByteBuffer
    var bytes: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      bytes.append(contentsOf: unwrapInboundIn(data).readableBytesView)
    }
  }
}
