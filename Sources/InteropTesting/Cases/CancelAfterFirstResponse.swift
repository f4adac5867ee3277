public import GRPCCore
import InteropTestingContracts

/// `cancel_after_first_response`: a FullDuplexCall cancelled after its first response (31415
/// bytes, for a 27182-byte request) arrived completes as CANCELLED.
public struct CancelAfterFirstResponse: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let (firstResponses, firstResponseArrived) = AsyncStream.makeStream(of: Int.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        defer { firstResponseArrived.finish() }
        let request = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) {
          writer in
          try await writer.write(.asking(forResponsesOf: [31_415], payloadSize: 27_182))
          // Keep the request stream open so only the cancellation can end the call.
          try await Task.sleep(for: .seconds(30))
        }
        try await expectCancellation {
          try await testService.fullDuplexCall(request: request) { response in
            for try await message in response.messages {
              firstResponseArrived.yield(message.payload.body.count)
            }
            // GRPCCore may end a cancelled call's response stream quietly rather than throw;
            // a stream that ended while the task was not cancelled really did succeed.
            try Task.checkCancellation()
          }
        }
      }
      var firstSize: Int?
      for await size in firstResponses {
        firstSize = size
        break
      }
      group.cancelAll()
      try await group.waitForAll()
      try expect(
        firstSize == 31_415,
        "expected a first response of 31415 bytes, got \(firstSize.map(String.init) ?? "none")")
    }
  }
}
