import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Metadata and status")
struct MetadataAndStatusTests {
  @Test(
    "Custom and -bin request metadata reach the server; initial and trailing metadata come back")
  func metadataRoundTrip() async throws {
    let binary: [UInt8] = [0, 1, 2, 0xFE, 0xFF, 0x80, 10, 13]
    var metadata = Metadata()
    metadata.addString("plain value", forKey: "x-text")
    metadata.addBinary(binary, forKey: "x-blob-bin")
    let observations = ServerObservations()
    let sent = metadata
    try await TestHarness.withEcho(observations: observations) { client in
      let response = try await client.echoUnary("Get", [1], metadata: sent)
      #expect(try response.message == [1])
      #expect(Array(response.metadata[stringValues: "x-text"]) == ["plain value"])
      #expect(Array(response.metadata[binaryValues: "x-blob-bin"]) == [binary])
      #expect(Array(response.trailingMetadata[stringValues: "x-text-trailer"]) == ["plain value"])
      #expect(Array(response.trailingMetadata[binaryValues: "x-blob-trailer-bin"]) == [binary])
    }
    let received = try #require(observations.receivedMetadata.first)
    #expect(Array(received[binaryValues: "x-blob-bin"]) == [binary])
  }

  @Test("-bin metadata is base64 on the wire (seen by a raw HTTP/2 client)")
  func binaryMetadataIsBase64OnTheWire() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      // "AAEC/w" is base64 (unpadded) for [0, 1, 2, 0xFF]; the server must decode it and
      // re-encode it when echoing.
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Get", extra: [("x-raw-bin", "AAEC/w")]),
        body: RawHTTP2Client.frame([7])
      )
      await raw.close()
      let echoed = try #require(result.value("x-raw-bin"))
      #expect(echoed == "AAEC/w" || echoed == "AAEC/w==")
      #expect(result.data == RawHTTP2Client.frame([7]))
      #expect(result.value("grpc-status", block: 1) == "0")
    }
  }

  @Test("A failed unary RPC is answered trailers-only: one HEADERS block with grpc-status")
  func trailersOnly() async throws {
    try await TestHarness.withEchoServer { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(
          path: "/test.Echo/Fail", extra: [("x-code", "5"), ("x-message", "nope")]),
        body: []
      )
      await raw.close()
      #expect(result.headerBlocks.count == 1)
      #expect(result.value(":status") == "200")
      #expect(result.value("content-type") == "application/grpc")
      #expect(result.value("grpc-status") == "5")
      #expect(result.value("grpc-message") == "nope")
      #expect(result.data.isEmpty)
    }
  }

  @Test("Error status code and message reach the client unchanged")
  func statusCodeAndMessage() async throws {
    try await TestHarness.withEcho { client in
      let metadata: Metadata = ["x-code": "9", "x-message": "precondition failed"]
      let response = try await client.echoUnary("Fail", [], metadata: metadata)
      let error = try #require(response.accepted.failureValue)
      #expect(error.code == .failedPrecondition)
      #expect(error.message == "precondition failed")
    }
  }

  @Test("grpc-message is percent-encoded on the wire and decoded by the client")
  func percentEncodedMessage() async throws {
    try await TestHarness.withEchoServer { _, port in
      // The server encodes the handler's message; a raw client sees the encoded bytes.
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(
          path: "/test.Echo/Fail", extra: [("x-code", "2"), ("x-message", "100% ☺ ok")]),
        body: []
      )
      await raw.close()
      #expect(result.value("grpc-message") == "100%25 %E2%98%BA ok")
    }
    try await TestHarness.withEcho { client in
      // Control characters can't be header values: only percent-encoding gets them across.
      let special = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%"
      let response = try await client.echoUnary(
        "Fail", Array(special.utf8), metadata: ["x-code": "2"])
      let error = try #require(response.accepted.failureValue)
      #expect(error.code == .unknown)
      #expect(error.message == special)
    }
  }

  @Test("Unknown method and unknown service fail with UNIMPLEMENTED")
  func unimplemented() async throws {
    try await TestHarness.withEcho { client in
      for descriptor in [
        MethodDescriptor(fullyQualifiedService: "test.Echo", method: "NoSuchMethod"),
        MethodDescriptor(fullyQualifiedService: "test.NoSuchService", method: "Get"),
      ] {
        let error = try await client.unary(
          request: ClientRequest(message: [UInt8]()),
          descriptor: descriptor,
          serializer: RawSerializer(),
          deserializer: RawDeserializer(),
          options: .defaults
        ) { response in response.accepted.failureValue }
        #expect(error?.code == .unimplemented)
      }
    }
  }
}

extension Result {
  var failureValue: Failure? {
    if case .failure(let failure) = self { return failure }
    return nil
  }
}
