import GRPCCore
import GRPCNGHTTP2Transport
import Testing

/// Misbehaving peers on raw sockets must never crash the server or disturb other connections.
@Suite("Hostile and broken clients")
struct RobustnessTests {
  /// Runs `attack` against a server while a well-behaved client keeps using its own connection.
  private func withBystander(_ attack: @escaping @Sendable (_ port: Int) async throws -> Void)
    async throws
  {
    try await TestHarness.withEchoServer { _, port in
      try await TestHarness.withClient(target: .ipv4(host: "127.0.0.1", port: port)) { client in
        #expect(try await client.echoUnary("Get", [1]).message == [1])
        // A long-lived stream on the healthy connection spans the attack.
        let (requests, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let bidi = Task {
          try await client.bidirectionalStreaming(
            request: StreamingClientRequest(of: [UInt8].self) { writer in
              for await message in requests { try await writer.write(message) }
            },
            descriptor: EchoService.method("Update"),
            serializer: RawSerializer(),
            deserializer: RawDeserializer(),
            options: .defaults
          ) { response in
            var count = 0
            for try await _ in response.messages { count += 1 }
            return count
          }
        }
        continuation.yield([1])
        for _ in 0..<5 { try await attack(port) }
        continuation.yield([2])
        continuation.finish()
        #expect(try await bidi.value == 2)
        #expect(try await client.echoUnary("Get", [2]).message == [2])
      }
    }
  }

  @Test("Garbage bytes instead of the HTTP/2 preface")
  func garbage() async throws {
    try await self.withBystander { port in
      let garbage = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
      // The server hangs up on its own.
      try await RawSocket.send(garbage, port: port, closeImmediately: false)
      try await RawSocket.send(
        Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port, closeImmediately: false)
    }
  }

  @Test("Valid preface followed by garbage frames gets GOAWAY and a close")
  func garbageAfterPreface() async throws {
    try await self.withBystander { port in
      let bytes =
        RawSocket.preface + RawSocket.emptySettings + [0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0, 0, 0, 3]
        + [UInt8](repeating: 0xAA, count: 100)
      let reply = try await RawSocket.send(bytes, port: port, closeImmediately: false)
      #expect(http2FrameTypes(reply).contains { $0.type == 7 })  // GOAWAY
    }
  }

  @Test("A half-written frame, then the client vanishes")
  func halfWrittenFrame() async throws {
    try await self.withBystander { port in
      let headers = HandcraftedFrames.headers(
        streamID: 1, endStream: false,
        fields: [
          (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Get"),
          (":authority", "x"),
          ("content-type", "application/grpc"),
        ])
      let bytes =
        RawSocket.preface + RawSocket.emptySettings + Array(headers.prefix(headers.count / 2))
      try await RawSocket.send(bytes, port: port, closeImmediately: true)
    }
  }

  @Test("A client that closes mid-stream, in the middle of a message")
  func closeMidStream() async throws {
    try await self.withBystander { port in
      var bytes = RawSocket.preface + RawSocket.emptySettings
      bytes += HandcraftedFrames.headers(
        streamID: 1, endStream: false,
        fields: [
          (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Update"),
          (":authority", "x"),
          ("content-type", "application/grpc"),
        ])
      // Message prefix announces 1000 bytes; only 10 arrive.
      bytes += HandcraftedFrames.data(
        streamID: 1, endStream: false,
        payload: [0, 0, 0, 3, 0xE8] + [UInt8](repeating: 1, count: 10))
      let connection = try await RawConnection.open(port: port)
      try await connection.write(bytes)
      try await Task.sleep(for: .milliseconds(20))
      await connection.close()
    }
  }

  @Test("Protocol violations: DATA on an idle stream, bad stream IDs, oversize HEADERS")
  func protocolViolations() async throws {
    try await self.withBystander { port in
      let cases: [[UInt8]] = [
        HandcraftedFrames.data(streamID: 7, endStream: true, payload: [0, 0, 0, 0, 0]),
        HandcraftedFrames.headers(streamID: 2, endStream: true, fields: [(":method", "POST")]),
        HandcraftedFrames.headers(
          streamID: 1, endStream: true, fields: [("x-big", String(repeating: "a", count: 70_000))]),
      ]
      for frame in cases {
        let reply = try await RawSocket.send(
          RawSocket.preface + RawSocket.emptySettings + frame, port: port, closeImmediately: false)
        #expect(http2FrameTypes(reply).contains { $0.type == 7 || $0.type == 3 })  // GOAWAY or RST
      }
    }
  }
}
