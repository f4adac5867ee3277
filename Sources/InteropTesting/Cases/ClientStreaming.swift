public import GRPCCore
import InteropTestingContracts

/// `client_streaming`: four request payloads (27182, 8, 1828, 45904 bytes), then half-close;
/// the server answers with their total, 74922.
public struct ClientStreaming: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let request = StreamingClientRequest(of: Grpc_Testing_StreamingInputCallRequest.self) {
      writer in
      for size in [27_182, 8, 1_828, 45_904] {
        var message = Grpc_Testing_StreamingInputCallRequest()
        message.payload = .zeros(count: size)
        try await writer.write(message)
      }
    }
    let response = try await testService.streamingInputCall(request: request)
    try expect(
      response.aggregatedPayloadSize == 74_922,
      "expected aggregated_payload_size 74922, got \(response.aggregatedPayloadSize)"
    )
  }
}
