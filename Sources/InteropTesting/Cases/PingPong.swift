public import GRPCCore
import InteropTestingContracts

/// `ping_pong`: FullDuplexCall where each of four requests is sent only after the response to
/// the previous one arrived; responses are 31415, 9, 2653 and 58979 bytes.
public struct PingPong: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let exchanges = [(31_415, 27_182), (9, 8), (2_653, 1_828), (58_979, 45_904)]
    let (replies, replyArrived) = AsyncStream.makeStream(of: Void.self)
    let request = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) {
      writer in
      var waitForReply = replies.makeAsyncIterator()
      for (responseSize, requestSize) in exchanges {
        try await writer.write(.asking(forResponsesOf: [responseSize], payloadSize: requestSize))
        // Stop sending once the response stream ended: the server answered too few.
        guard await waitForReply.next() != nil else { return }
      }
    }
    let received = try await testService.fullDuplexCall(request: request) { response in
      defer { replyArrived.finish() }
      var payloads: [Grpc_Testing_Payload] = []
      for try await message in response.messages {
        payloads.append(message.payload)
        replyArrived.yield()
      }
      return payloads
    }
    let expected = exchanges.map { Grpc_Testing_Payload.zeros(count: $0.0) }
    try expect(
      received == expected,
      "expected zero payloads of \(exchanges.map(\.0)) bytes, got \(received.map(\.body.count))"
    )
  }
}
