import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Message size and flow control")
struct MessageSizeTests {
  @Test("A request above the server's 4 MiB default limit fails with RESOURCE_EXHAUSTED")
  func requestTooLarge() async throws {
    try await TestHarness.withEcho { client in
      let response = try await client.echoUnary(
        "Get", [UInt8](repeating: 1, count: 4 * 1024 * 1024 + 1))
      #expect(response.accepted.failureValue?.code == .resourceExhausted)
      // Exactly at the limit is fine.
      let atLimit = try await client.echoUnary(
        "Collect", [UInt8](repeating: 2, count: 4 * 1024 * 1024))
      #expect(try atLimit.message.count == 4 * 1024 * 1024)
    }
  }

  @Test("A response above the client's limit fails with RESOURCE_EXHAUSTED")
  func responseTooLarge() async throws {
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.maxReceiveMessageSize = 1024
    try await TestHarness.withEcho(clientConfig: clientConfig) { client in
      let response = try await client.echoUnary("Sized", Array("1025".utf8))
      let error = #expect(throws: RPCError.self) { try response.message }
      #expect(error?.code == .resourceExhausted)
      let ok = try await client.echoUnary("Sized", Array("1024".utf8))
      #expect(try ok.message.count == 1024)
    }
  }

  @Test("16 MiB messages both ways with raised limits")
  func largeMessages() async throws {
    var serverConfig = NGHTTP2ServerTransport.Config.defaults
    serverConfig.maxReceiveMessageSize = 32 * 1024 * 1024
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.maxReceiveMessageSize = 32 * 1024 * 1024
    try await TestHarness.withEcho(serverConfig: serverConfig, clientConfig: clientConfig) {
      client in
      var payload = [UInt8](repeating: 0, count: 16 * 1024 * 1024)
      for index in payload.indices {
        payload[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8)
      }
      let response = try await client.echoUnary("Get", payload)
      #expect(try response.message == payload)
    }
  }

  @Test("A slow server reader applies back-pressure to a fast client stream (40 MiB)")
  func slowServerReader() async throws {
    try await TestHarness.withEcho { client in
      let chunk = [UInt8](repeating: 7, count: 1024 * 1024)
      let total = try await client.clientStreaming(
        request: StreamingClientRequest(of: [UInt8].self) { writer in
          for _ in 0..<40 { try await writer.write(chunk) }
        },
        descriptor: EchoService.method("SlowCollect"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in String(decoding: try response.message, as: UTF8.self) }
      #expect(total == String(40 * 1024 * 1024))
    }
  }

  @Test("A slow client reader applies back-pressure to a fast server stream")
  func slowClientReader() async throws {
    try await TestHarness.withEcho { client in
      let (count, bytes) = try await client.bidirectionalStreaming(
        request: StreamingClientRequest(of: [UInt8].self) { writer in
          for _ in 0..<24 { try await writer.write([UInt8](repeating: 3, count: 1024 * 1024)) }
        },
        descriptor: EchoService.method("Update"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in
        var count = 0
        var bytes = 0
        for try await message in response.messages {
          count += 1
          bytes += message.count
          try await Task.sleep(for: .milliseconds(15))
        }
        return (count, bytes)
      }
      #expect(count == 24)
      #expect(bytes == 24 * 1024 * 1024)
    }
  }
}
