import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Concurrent streams")
struct ConcurrencyTests {
  @Test("1000 concurrent RPCs multiplexed on one connection")
  func thousandStreams() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEcho(observations: observations) { client in
      try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<1000 {
          group.addTask {
            let payload = Array("rpc-\(index)".utf8)
            return try await client.echoUnary("Track", payload).message == payload
          }
        }
        var succeeded = 0
        for try await ok in group where ok { succeeded += 1 }
        #expect(succeeded == 1000)
      }
    }
    #expect(observations.peers.count == 1)
    #expect(observations.maxInFlight > 1)
  }

  @Test(
    "The server's SETTINGS_MAX_CONCURRENT_STREAMS=10 is respected: 200 RPCs all succeed, ≤10 at once"
  )
  func maxConcurrentStreamsRespected() async throws {
    var serverConfig = NGHTTP2ServerTransport.Config.defaults
    serverConfig.maxConcurrentStreams = 10
    let observations = ServerObservations()
    try await TestHarness.withEcho(serverConfig: serverConfig, observations: observations) {
      client in
      try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<200 {
          group.addTask {
            let payload = Array("rpc-\(index)".utf8)
            return try await client.echoUnary("Track", payload).message == payload
          }
        }
        var succeeded = 0
        for try await ok in group where ok { succeeded += 1 }
        #expect(succeeded == 200)
      }
    }
    #expect(observations.maxInFlight <= 10)
    #expect(observations.maxInFlight >= 2)
    #expect(observations.peers.count == 1)
  }
}
