public import GRPCCore
import InteropTestingContracts

/// `server_streaming`: one request asking for four responses, which arrive in order with
/// payloads of 31415, 9, 2653 and 58979 bytes.
public struct ServerStreaming: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let sizes = [31_415, 9, 2_653, 58_979]
    let request = Grpc_Testing_StreamingOutputCallRequest.asking(forResponsesOf: sizes)
    let received = try await testService.streamingOutputCall(request) { response in
      var payloads: [Grpc_Testing_Payload] = []
      for try await message in response.messages {
        payloads.append(message.payload)
      }
      return payloads
    }
    try expect(
      received == sizes.map { .zeros(count: $0) },
      "expected zero payloads of \(sizes) bytes, got \(received.map(\.body.count))"
    )
  }
}
