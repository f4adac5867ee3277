public import GRPCCore
import InteropTestingContracts

/// `timeout_on_sleeping_server`: a FullDuplexCall with a 1 ms deadline whose server has nothing
/// to answer completes as DEADLINE_EXCEEDED.
public struct TimeoutOnSleepingServer: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    var options = CallOptions.defaults
    options.timeout = .milliseconds(1)
    let request = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) {
      writer in
      try await writer.write(.asking(forResponsesOf: [], payloadSize: 27_182))
      // The client waits without half-closing, so only the deadline can end the call.
      try await Task.sleep(for: .seconds(30))
    }
    try await expectRPCError(.deadlineExceeded) {
      try await testService.fullDuplexCall(request: request, options: options) { response in
        for try await _ in response.messages {}
      }
    }
  }
}
