import GRPCCore
import InteropTesting
import InteropTestingContracts

/// `concurrency` tasks each making `callsPerTask` UnaryCalls back to back (32-byte payloads
/// both ways) on one client; measures throughput and per-call latency.
struct UnaryWorkload: Workload {
  var concurrency: Int
  var callsPerTask: Int

  struct Output: Sendable {
    var callsPerSecond: Double
    var latency: LatencySummary
  }

  func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws -> Output {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    var request = Grpc_Testing_SimpleRequest()
    request.responseSize = 32
    request.payload = .zeros(count: 32)
    let message = request

    // Warm up the connection and both sides' code paths before measuring.
    for _ in 0..<200 { _ = try await testService.unaryCall(message) }

    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
      for _ in 0..<self.concurrency {
        group.addTask {
          var latencies: [Duration] = []
          latencies.reserveCapacity(self.callsPerTask)
          for _ in 0..<self.callsPerTask {
            let callStart = clock.now
            _ = try await testService.unaryCall(message)
            latencies.append(clock.now - callStart)
          }
          return latencies
        }
      }
      var all: [Duration] = []
      for try await taskLatencies in group { all.append(contentsOf: taskLatencies) }
      return all
    }
    let elapsed = clock.now - start
    return Output(
      callsPerSecond: Double(latencies.count) / elapsed.seconds,
      latency: LatencySummary(latencies)
    )
  }
}
