import GRPCCore
import GRPCNGHTTP2Transport
import MAACTestSupport
import Testing

/// `NGHTTP2ClientTransport.unary`: the gateway's lean unary call (issue #8) must give the same
/// outcomes as `GRPCClient.unary` (gateway spec G8's status table and G12's deadline depend
/// on them), over a real socket against a real `GRPCServer`.
@Suite("Lean unary calls")
struct LeanUnaryTests {
  /// Runs `body` with a running client transport connected to the echo server.
  private static func withTransport(
    observations: ServerObservations = ServerObservations(),
    _ body:
      @Sendable @escaping (NGHTTP2ClientTransport, GRPCClient<NGHTTP2ClientTransport>)
      async throws -> Void
  ) async throws {
    try await TestHarness.withEchoServer(observations: observations) { _, port in
      let transport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
      try await withGRPCClient(transport: transport) { client in
        try await body(transport, client)
      }
    }
  }

  @Test("Message, initial metadata and trailers round-trip; grpc-timeout is sent (G12)")
  func roundTrip() async throws {
    let observations = ServerObservations()
    try await Self.withTransport(observations: observations) { transport, _ in
      var metadata = Metadata()
      metadata.addString("abc", forKey: "x-maac-org-id")
      let answer = try await transport.unary(
        descriptor: EchoService.method("Get"), metadata: metadata, message: Array("hi".utf8),
        timeout: .seconds(10))
      #expect(answer.message == Array("hi".utf8))
      #expect(Array(answer.metadata[stringValues: "x-maac-org-id"]) == ["abc"])
      #expect(Array(answer.trailers[stringValues: "x-maac-org-id-trailer"]) == ["abc"])
      let sent = try #require(observations.receivedMetadata.first)
      #expect(Array(sent[stringValues: "x-maac-org-id"]) == ["abc"])
      #expect(Array(sent[stringValues: "grpc-timeout"]) == ["10000000u"])
      // Sequential calls reuse the connection.
      for index in 0..<20 {
        let payload = Array("m\(index)".utf8)
        let again = try await transport.unary(
          descriptor: EchoService.method("Get"), metadata: [:], message: payload, timeout: nil)
        #expect(again.message == payload)
      }
    }
  }

  @Test("A non-OK status throws the same RPCError as GRPCClient.unary (code, message) (G8)")
  func failureStatus() async throws {
    try await Self.withTransport { transport, client in
      for code in [Status.Code.notFound, .invalidArgument, .unavailable, .permissionDenied] {
        var metadata = Metadata()
        metadata.addString(String(code.rawValue), forKey: "x-code")
        let lean = await #expect(throws: RPCError.self) {
          try await transport.unary(
            descriptor: EchoService.method("Fail"), metadata: metadata,
            message: Array("no such thing".utf8), timeout: .seconds(10))
        }
        let core = try await client.echoUnary(
          "Fail", Array("no such thing".utf8), metadata: metadata
        ).accepted.failureValue
        #expect(lean?.code == RPCError.Code(code))
        #expect(lean?.code == core?.code)
        #expect(lean?.message == "no such thing")
        #expect(lean?.message == core?.message)
      }
    }
  }

  @Test("Zero or two response messages fail like GRPCClient.unary (UNIMPLEMENTED)")
  func wrongMessageCount() async throws {
    try await Self.withTransport { transport, _ in
      for count in ["0", "2"] {
        let error = await #expect(throws: RPCError.self) {
          try await transport.unary(
            descriptor: EchoService.method("Expand"), metadata: [:], message: Array(count.utf8),
            timeout: .seconds(10))
        }
        #expect(error?.code == .unimplemented)
      }
    }
  }

  @Test("The deadline ends the call with DEADLINE_EXCEEDED and cancels the server handler (G12)")
  func deadline() async throws {
    let observations = ServerObservations()
    try await Self.withTransport(observations: observations) { transport, _ in
      let started = ContinuousClock.now
      let error = await #expect(throws: RPCError.self) {
        try await transport.unary(
          descriptor: EchoService.method("Sleep"), metadata: [:], message: [],
          timeout: .milliseconds(300))
      }
      #expect(error?.code == .deadlineExceeded)
      #expect(ContinuousClock.now - started >= .milliseconds(300))
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
      // The connection still serves.
      let answer = try await transport.unary(
        descriptor: EchoService.method("Get"), metadata: [:], message: [7], timeout: .seconds(10))
      #expect(answer.message == [7])
    }
  }

  @Test(
    "Calls on one connection expire at their own deadlines, whatever the order of their timeouts (one timer per connection, G12)"
  )
  func deadlinesOnOneConnection() async throws {
    let observations = ServerObservations()
    try await Self.withTransport(observations: observations) { transport, _ in
      // Answered calls stay queued ahead of later ones with the same timeout (6 s, as the pair
      // below): they must not hold the timer back. Their own outcome is not the point (a full
      // parallel test run can stall this process for seconds), only that they are queued.
      for index in 0..<5 {
        _ = try? await transport.unary(
          descriptor: EchoService.method("Get"), metadata: [:], message: [UInt8(index)],
          timeout: .seconds(6))
      }
      // A long deadline is armed first, then a shorter one: the shorter must fire first.
      let long = Task {
        try await transport.unary(
          descriptor: EchoService.method("Sleep"), metadata: [:], message: [], timeout: .seconds(60)
        )
      }
      // Every handler counts its start: five `Get`s, then the long `Sleep`.
      #expect(try await observations.eventually { $0.startedCount >= 6 })
      let started = ContinuousClock.now
      let short = await #expect(throws: RPCError.self) {
        try await transport.unary(
          descriptor: EchoService.method("Sleep"), metadata: [:], message: [],
          timeout: .milliseconds(300))
      }
      #expect(short?.code == .deadlineExceeded)
      let waited = ContinuousClock.now - started
      #expect(waited >= .milliseconds(300))
      #expect(waited < .seconds(20), "the 300 ms deadline fired on time, not with the 60 s one")
      // Two calls with the same timeout, one after the other: each ends at its own deadline.
      // 3 s apart, so the first's end may be seen up to 3 s late (a full parallel test run on
      // two cores can stall this process for over a second) and still tell the deadlines
      // apart.
      let first = Task { () async -> (RPCError?, ContinuousClock.Instant) in
        do {
          _ = try await transport.unary(
            descriptor: EchoService.method("Sleep"), metadata: [:], message: [],
            timeout: .seconds(6))
          return (nil, .now)
        } catch {
          return (error as? RPCError, .now)
        }
      }
      try await Task.sleep(for: .seconds(3))
      let secondStarted = ContinuousClock.now
      let second = await #expect(throws: RPCError.self) {
        try await transport.unary(
          descriptor: EchoService.method("Sleep"), metadata: [:], message: [],
          timeout: .seconds(6))
      }
      #expect(second?.code == .deadlineExceeded)
      #expect(ContinuousClock.now - secondStarted >= .seconds(6))
      let (firstError, firstEnded) = await first.value
      #expect(firstError?.code == .deadlineExceeded)
      #expect(
        firstEnded < secondStarted + .seconds(6),
        "the first call expired at its own deadline, before the second's was due")
      // The long call is still waiting: its deadline was not fired by the others'.
      #expect(try await observations.eventually { $0.cancelledCount == 3 })
      long.cancel()
      #expect(((await long.result).failureValue as? RPCError)?.code == .cancelled)
    }
  }

  @Test("Cancelling the caller's task gives CANCELLED and resets the stream")
  func cancellation() async throws {
    let observations = ServerObservations()
    try await Self.withTransport(observations: observations) {
      transport, _ async throws -> Void in
      let call = Task {
        try await transport.unary(
          descriptor: EchoService.method("Sleep"), metadata: [:], message: [], timeout: nil)
      }
      #expect(try await observations.eventually { $0.startedCount == 1 })
      call.cancel()
      let result = await call.result
      #expect((result.failureValue as? RPCError)?.code == .cancelled)
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
    }
  }

  @Test(
    "A call the server refused unprocessed (a GOAWAY below its stream, as when it closes an idle connection) is sent once more, on a new connection"
  )
  func transparentRetry() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEchoServer(observations: observations) { _, echoPort in
      let server = try await RefuseOnceServer.start(forwardingTo: echoPort)
      let transport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: server.port))
      try await withGRPCClient(transport: transport) { _ in
        let answer = try await transport.unary(
          descriptor: EchoService.method("Get"), metadata: [:], message: Array("again".utf8),
          timeout: .seconds(10))
        #expect(answer.message == Array("again".utf8))
      }
      // The refused attempt never reached the echo server; the retry did, once.
      #expect(server.connectionCount == 2)
      #expect(observations.receivedMetadata.count == 1)
      await server.stop()
    }
  }

  @Test("No server: UNAVAILABLE at once, as without wait-for-ready")
  func unavailable() async throws {
    try await RefusingPort.with { port in
      let transport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
      try await withGRPCClient(transport: transport) { _ in
        let error = await #expect(throws: RPCError.self) {
          try await transport.unary(
            descriptor: EchoService.method("Get"), metadata: [:], message: [], timeout: .seconds(5))
        }
        #expect(error?.code == .unavailable)
      }
    }
  }
}
