import GRPCCore
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import GRPCNGHTTP2Transport

/// Answers every plain request with what it saw, so a test can check what reached it.
struct EchoPlainResponder: HTTP2PlainResponder {
  func respond(to request: HTTP2PlainRequest) async -> HTTP2PlainResponse {
    if request.bodyTooLarge { return HTTP2PlainResponse(status: 413) }
    let summary =
      "\(request.method) \(request.path) authority=\(request.authority ?? "-") "
      + "x-test=\(request.header("x-test") ?? "-") content-type=\(request.header("content-type") ?? "-") "
      + "body=\(String(decoding: request.body, as: UTF8.self))"
    return HTTP2PlainResponse(
      status: request.path == "/missing" ? 404 : 200,
      headers: [
        ("Content-Type", "text/plain"), ("X-Seen-Method", request.method),
        // Illegal in HTTP/2: must not reach the wire.
        ("Connection", "keep-alive"),
      ],
      body: request.path == "/empty" ? [] : Array(summary.utf8))
  }
}

/// A listener of the test's own that hands every accepted channel to an unbound transport,
/// the way a port shared by HTTP/1.1 and HTTP/2 does after preface detection.
enum AdoptingListener {
  static func withServer<T: Sendable>(
    config: NGHTTP2ServerTransport.Config,
    _ body: @Sendable (_ port: Int) async throws -> T
  ) async throws -> T {
    let transport = NGHTTP2ServerTransport(address: .unbound, config: config)
    let server = GRPCServer(transport: transport, services: [EchoService()])
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      // Adoption needs a listening transport.
      #expect(try await transport.listeningAddress.port == 0)
      let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try transport.adoptConnection(channel) }
        }
        .bind(host: "127.0.0.1", port: 0).get()
      let port = listener.localAddress!.port!
      do {
        let result = try await body(port)
        try await listener.close()
        server.beginGracefulShutdown()
        try await group.waitForAll()
        return result
      } catch {
        try? await listener.close()
        server.beginGracefulShutdown()
        group.cancelAll()
        throw error
      }
    }
  }
}

@Suite("Adopted connections and plain HTTP/2 requests")
struct AdoptedConnectionTests {
  static let config = NGHTTP2ServerTransport.Config(
    plainResponder: EchoPlainResponder(), maxPlainRequestBodySize: 64)

  @Test("An adopted connection serves gRPC calls like a bound one")
  func grpcOnAdoptedConnection() async throws {
    try await AdoptingListener.withServer(config: Self.config) { port in
      try await TestHarness.withClient(target: .ipv4(host: "127.0.0.1", port: port)) { client in
        for index in 0..<5 {
          let payload = Array("adopted-\(index)".utf8)
          let response = try await client.echoUnary("Get", payload)
          #expect(try response.message == payload)
        }
      }
    }
  }

  @Test("A request without a gRPC content-type goes to the plain responder with its headers")
  func plainGet() async throws {
    try await AdoptingListener.withServer(config: Self.config) { port in
      let client = try await RawHTTP2Client.connect(port: port)
      defer { Task { await client.close() } }
      let result = try await client.request([
        (":method", "GET"), (":scheme", "http"), (":authority", "gw.test"),
        (":path", "/api/x?y=1"), ("x-test", "abc"),
      ])
      #expect(result.value(":status") == "200")
      #expect(result.value("content-type") == "text/plain")
      #expect(result.value("x-seen-method") == "GET")
      #expect(result.value("connection") == nil)
      #expect(
        String(decoding: result.data, as: UTF8.self)
          == "GET /api/x?y=1 authority=gw.test x-test=abc content-type=- body=")
      #expect(result.closeCode == 0)
    }
  }

  @Test("A plain POST body reaches the responder; status and empty bodies come back")
  func plainPostAndStatuses() async throws {
    try await AdoptingListener.withServer(config: Self.config) { port in
      let client = try await RawHTTP2Client.connect(port: port)
      defer { Task { await client.close() } }
      let post = try await client.request(
        [
          (":method", "POST"), (":scheme", "http"), (":authority", "gw.test"),
          (":path", "/things"), ("content-type", "application/json"),
        ], body: Array(#"{"a":1}"#.utf8))
      #expect(post.value(":status") == "200")
      #expect(
        String(decoding: post.data, as: UTF8.self)
          == #"POST /things authority=gw.test x-test=- content-type=application/json body={"a":1}"#)
      let missing = try await client.request([
        (":method", "GET"), (":scheme", "http"), (":authority", "gw.test"), (":path", "/missing"),
      ])
      #expect(missing.value(":status") == "404")
      let empty = try await client.request([
        (":method", "DELETE"), (":scheme", "http"), (":authority", "gw.test"), (":path", "/empty"),
      ])
      #expect(empty.value(":status") == "200")
      #expect(empty.data.isEmpty)
    }
  }

  @Test("A plain body over the configured limit is dropped and flagged")
  func plainBodyTooLarge() async throws {
    try await AdoptingListener.withServer(config: Self.config) { port in
      let client = try await RawHTTP2Client.connect(port: port)
      defer { Task { await client.close() } }
      let result = try await client.request(
        [
          (":method", "POST"), (":scheme", "http"), (":authority", "gw.test"),
          (":path", "/big"), ("content-type", "application/json"),
        ], body: [UInt8](repeating: UInt8(ascii: "x"), count: 65))
      #expect(result.value(":status") == "413")
    }
  }

  @Test("gRPC and plain requests share one connection")
  func mixedOnOneConnection() async throws {
    try await AdoptingListener.withServer(config: Self.config) { port in
      let client = try await RawHTTP2Client.connect(port: port)
      defer { Task { await client.close() } }
      let grpc = try await client.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get"),
        body: RawHTTP2Client.frame(Array("hi".utf8)))
      #expect(grpc.value(":status") == "200")
      #expect(grpc.value("grpc-status", block: 1) == "0")
      #expect(grpc.data == RawHTTP2Client.frame(Array("hi".utf8)))
      let plain = try await client.request([
        (":method", "GET"), (":scheme", "http"), (":authority", "gw.test"), (":path", "/p"),
      ])
      #expect(plain.value(":status") == "200")
    }
  }

  @Test("Without a plain responder a non-gRPC request still gets 415")
  func noResponderStill415() async throws {
    try await AdoptingListener.withServer(config: .defaults) { port in
      let client = try await RawHTTP2Client.connect(port: port)
      defer { Task { await client.close() } }
      let result = try await client.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", contentType: "application/json"),
        body: Array("{}".utf8))
      #expect(result.value(":status") == "415")
    }
  }

  @Test("Graceful shutdown of an unbound transport sends GOAWAY on adopted connections and returns")
  func gracefulShutdown() async throws {
    let transport = NGHTTP2ServerTransport(address: .unbound, config: Self.config)
    let server = GRPCServer(transport: transport, services: [EchoService()])
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      _ = try await transport.listeningAddress
      let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try transport.adoptConnection(channel) }
        }
        .bind(host: "127.0.0.1", port: 0).get()
      let client = try await RawHTTP2Client.connect(port: listener.localAddress!.port!)
      let before = try await client.request([
        (":method", "GET"), (":scheme", "http"), (":authority", "gw.test"), (":path", "/p"),
      ])
      #expect(before.value(":status") == "200")
      server.beginGracefulShutdown()
      #expect(try await client.waitForClose())
      // serve() returns once the adopted connection is gone.
      try await group.next()
      try await listener.close()
    }
  }

  @Test("A connection adopted before the transport listens is refused with GOAWAY")
  func adoptedBeforeListening() async throws {
    let transport = NGHTTP2ServerTransport(address: .unbound, config: Self.config)
    let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try transport.adoptConnection(channel) }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    let client = try await RawHTTP2Client.connect(port: listener.localAddress!.port!)
    #expect(try await client.waitForClose())
    try await listener.close()
  }
}
