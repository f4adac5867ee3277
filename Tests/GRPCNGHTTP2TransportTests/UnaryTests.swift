import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Unary RPCs")
struct UnaryTests {
  @Test("Unary echo round-trips the message over a real socket")
  func unaryEcho() async throws {
    try await TestHarness.withEcho { client in
      let response = try await client.echoUnary("Get", Array("hello".utf8))
      #expect(try response.message == Array("hello".utf8))
    }
  }

  @Test("Many sequential unary RPCs reuse the connection")
  func sequentialUnary() async throws {
    try await TestHarness.withEcho { client in
      for index in 0..<50 {
        let payload = Array("message-\(index)".utf8)
        let response = try await client.echoUnary("Get", payload)
        #expect(try response.message == payload)
      }
    }
  }
}
