import GRPCCore
import InteropTesting
import InteropTestingContracts

/// `calls` StreamingOutputCalls in a row, each answered with `messagesPerCall` messages of
/// `messageSize` bytes; measures messages and payload bytes received per second.
struct ServerStreamingWorkload: Workload {
  var calls: Int
  var messagesPerCall: Int
  var messageSize: Int

  struct Output: Sendable {
    var messagesPerSecond: Double
    var bytesPerSecond: Double
  }

  func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws -> Output {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let request = Grpc_Testing_StreamingOutputCallRequest.asking(
      forResponsesOf: Array(repeating: self.messageSize, count: self.messagesPerCall)
    )
    let expected = self.messagesPerCall
    let receiveAll: @Sendable () async throws -> Int = {
      try await testService.streamingOutputCall(request) { response in
        var bytes = 0
        var count = 0
        for try await message in response.messages {
          bytes += message.payload.body.count
          count += 1
        }
        guard count == expected else {
          throw BenchmarkError("expected \(expected) messages, received \(count)")
        }
        return bytes
      }
    }

    _ = try await receiveAll()  // warm-up
    let clock = ContinuousClock()
    let start = clock.now
    var bytes = 0
    for _ in 0..<self.calls { bytes += try await receiveAll() }
    let elapsed = (clock.now - start).seconds
    return Output(
      messagesPerSecond: Double(self.calls * self.messagesPerCall) / elapsed,
      bytesPerSecond: Double(bytes) / elapsed
    )
  }
}
