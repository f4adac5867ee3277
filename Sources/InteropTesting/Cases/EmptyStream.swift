public import GRPCCore
import InteropTestingContracts

/// `empty_stream`: FullDuplexCall that half-closes at once succeeds with zero responses.
public struct EmptyStream: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let request = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) { _ in
    }
    let count = try await testService.fullDuplexCall(request: request) { response in
      var count = 0
      for try await _ in response.messages { count += 1 }
      return count
    }
    try expect(count == 0, "expected no responses, got \(count)")
  }
}
