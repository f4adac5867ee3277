import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Streaming RPCs")
struct StreamingTests {
  @Test("Client streaming: every request message reaches the server in order")
  func clientStreaming() async throws {
    try await TestHarness.withEcho { client in
      let collected = try await client.clientStreaming(
        request: StreamingClientRequest(of: [UInt8].self) { writer in
          for index in 0..<20 { try await writer.write(Array("\(index),".utf8)) }
        },
        descriptor: EchoService.method("Collect"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in try response.message }
      let expected = (0..<20).map { "\($0)," }.joined()
      #expect(String(decoding: collected, as: UTF8.self) == expected)
    }
  }

  @Test("Client streaming with zero request messages")
  func clientStreamingEmpty() async throws {
    try await TestHarness.withEcho { client in
      let collected = try await client.clientStreaming(
        request: StreamingClientRequest(of: [UInt8].self) { _ in },
        descriptor: EchoService.method("Collect"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in try response.message }
      #expect(collected.isEmpty)
    }
  }

  @Test("Server streaming: the client receives all response messages in order")
  func serverStreaming() async throws {
    try await TestHarness.withEcho { client in
      let received = try await client.serverStreaming(
        request: ClientRequest(message: Array("100".utf8)),
        descriptor: EchoService.method("Expand"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in
        var all: [[UInt8]] = []
        for try await message in response.messages { all.append(message) }
        return all
      }
      #expect(received == (0..<100).map { [UInt8($0)] })
    }
  }

  @Test("Server streaming with zero response messages")
  func serverStreamingEmpty() async throws {
    try await TestHarness.withEcho { client in
      let count = try await client.serverStreaming(
        request: ClientRequest(message: Array("0".utf8)),
        descriptor: EchoService.method("Expand"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in
        var count = 0
        for try await _ in response.messages { count += 1 }
        return count
      }
      #expect(count == 0)
    }
  }

  @Test("Bidirectional streaming: ping-pong, each reply read before the next request is sent")
  func bidirectionalPingPong() async throws {
    try await TestHarness.withEcho { client in
      let (requests, continuation) = AsyncStream.makeStream(of: [UInt8].self)
      let replies = try await client.bidirectionalStreaming(
        request: StreamingClientRequest(of: [UInt8].self) { writer in
          for await message in requests { try await writer.write(message) }
        },
        descriptor: EchoService.method("Update"),
        serializer: RawSerializer(),
        deserializer: RawDeserializer(),
        options: .defaults
      ) { response in
        var replies: [String] = []
        var iterator = response.messages.makeAsyncIterator()
        for index in 0..<10 {
          continuation.yield(Array("ping-\(index)".utf8))
          guard let reply = try await iterator.next() else { break }
          replies.append(String(decoding: reply, as: UTF8.self))
        }
        continuation.finish()
        while try await iterator.next() != nil {}
        return replies
      }
      #expect(replies == (0..<10).map { "ping-\($0)" })
    }
  }
}
