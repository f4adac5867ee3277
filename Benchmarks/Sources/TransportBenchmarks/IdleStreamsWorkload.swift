import GRPCCore
import InteropTesting
import InteropTestingContracts

/// Opens `streams` FullDuplexCalls on one connection and keeps them idle (each has received one
/// empty response and sends nothing more); measures this process's resident memory before and
/// while they are open. Run it in a fresh process per transport so the figures don't mix.
struct IdleStreamsWorkload: Workload {
  var streams: Int

  struct Output: Sendable {
    /// VmRSS with the server and client connected, before the streams opened.
    var baselineBytes: Int
    /// VmRSS with every stream open and idle.
    var openBytes: Int
  }

  func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws -> Output {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    _ = try await testService.emptyCall(Grpc_Testing_Empty())
    let baseline = try ResidentMemory.current()

    let (opened, streamOpened) = AsyncStream.makeStream(of: Void.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<self.streams {
        group.addTask {
          let request = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) {
            writer in
            try await writer.write(.asking(forResponsesOf: [0]))
            // Idle (bounded) until the measurement is done and the group is cancelled.
            try await Task.sleep(for: .seconds(600))
          }
          do {
            try await testService.fullDuplexCall(request: request) { response in
              for try await _ in response.messages { streamOpened.yield() }
            }
          } catch  where Task.isCancelled {
            // The expected end of every stream: cancelled once memory was measured.
          } catch {
            streamOpened.finish()  // stop waiting for streams that will never open
            throw error
          }
        }
      }
      var count = 0
      for await _ in opened {
        count += 1
        if count == self.streams { break }
      }
      guard count == self.streams else {
        group.cancelAll()
        try await group.waitForAll()
        throw BenchmarkError("only \(count) of \(self.streams) streams opened")
      }
      let open = try ResidentMemory.current()
      group.cancelAll()
      try await group.waitForAll()
      return Output(baselineBytes: baseline, openBytes: open)
    }
  }
}
