public import GRPCCore
import InteropTestingContracts

/// `cancel_after_begin`: a StreamingInputCall cancelled after its stream opened and before any
/// message was sent completes as CANCELLED.
public struct CancelAfterBegin: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    // Connect first: the call must begin (HEADERS on the wire) before it is cancelled, so the
    // cancellation reaches the server as RST_STREAM instead of ending a call never sent.
    _ = try await testService.emptyCall(Grpc_Testing_Empty())
    let (began, beginning) = AsyncStream.makeStream(of: Void.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        defer { beginning.finish() }
        let request = StreamingClientRequest(of: Grpc_Testing_StreamingInputCallRequest.self) {
          _ in
          // GRPCCore starts the producer once the stream is open: the call has begun.
          beginning.yield()
          // Never half-close: a half-close would let the server answer OK (size 0).
          try await Task.sleep(for: .seconds(30))
        }
        try await expectCancellation {
          _ = try await testService.streamingInputCall(request: request)
        }
      }
      for await _ in began { break }
      group.cancelAll()
      try await group.waitForAll()
    }
  }
}
