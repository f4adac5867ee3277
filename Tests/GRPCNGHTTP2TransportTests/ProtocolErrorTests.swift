import GRPCCore
import GRPCNGHTTP2Transport
import Testing

/// Requests that break PROTOCOL-HTTP2.md, sent by a raw HTTP/2 client.
@Suite("Malformed requests")
struct ProtocolErrorTests {
  @Test("PROTOCOL-HTTP2: a non-gRPC content-type is answered with HTTP 415")
  func wrongContentType() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", contentType: "application/json"),
        body: Array("{}".utf8)
      )
      let missing = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", contentType: nil),
        body: RawHTTP2Client.frame([1])
      )
      await raw.close()
      #expect(result.value(":status") == "415")
      #expect(missing.value(":status") == "415")
    }
  }

  @Test("content-type application/grpc+proto is accepted")
  func contentTypeWithSubtype() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", contentType: "application/grpc+proto"),
        body: RawHTTP2Client.frame([42])
      )
      await raw.close()
      #expect(result.value(":status") == "200")
      #expect(result.data == RawHTTP2Client.frame([42]))
      #expect(result.value("grpc-status", block: 1) == "0")
    }
  }

  @Test("A :path that is not /Service/Method fails with UNIMPLEMENTED")
  func malformedPath() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      for path in ["/", "/onlyservice", "/a/b/c", "//Method"] {
        let result = try await raw.request(RawHTTP2Client.grpcRequest(path: path), body: [])
        #expect(result.value("grpc-status") == "12", "path \(path)")
      }
      // Not even an HTTP path (no leading "/"): nghttp2's HTTP messaging checks reset the
      // stream with PROTOCOL_ERROR before any gRPC logic runs.
      let invalid = try await raw.request(RawHTTP2Client.grpcRequest(path: "nopath"), body: [])
      #expect(invalid.closeCode == 1)
      #expect(invalid.headerBlocks.isEmpty)
      // The connection survives and still serves valid requests.
      let valid = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get"), body: RawHTTP2Client.frame([3]))
      #expect(valid.data == RawHTTP2Client.frame([3]))
      await raw.close()
    }
  }

  @Test("A non-POST method is refused with HTTP 405")
  func wrongMethod() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", method: "GET"))
      await raw.close()
      #expect(result.value(":status") == "405")
    }
  }

  @Test("An unsupported grpc-encoding fails with UNIMPLEMENTED and advertises identity")
  func unsupportedEncoding() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", extra: [("grpc-encoding", "snappy")]),
        body: RawHTTP2Client.frame([1])
      )
      await raw.close()
      #expect(result.value("grpc-status") == "12")
      #expect(result.value("grpc-accept-encoding") == "identity")
    }
  }

  @Test("A request that ends in the middle of a message fails with INTERNAL")
  func truncatedMessage() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      // Prefix announces 10 bytes, only 3 follow before END_STREAM.
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get"),
        body: [0, 0, 0, 0, 10, 1, 2, 3]
      )
      await raw.close()
      let status = result.headerBlocks.last.flatMap { block in
        block.first(where: { $0.name == "grpc-status" })?.value
      }
      #expect(status == "13")
    }
  }

  @Test("A compressed-flag message without grpc-encoding fails with INTERNAL")
  func unexpectedCompression() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get"),
        body: [1, 0, 0, 0, 1, 9]
      )
      await raw.close()
      let status = result.headerBlocks.last.flatMap { block in
        block.first(where: { $0.name == "grpc-status" })?.value
      }
      #expect(status == "13")
    }
  }
}
