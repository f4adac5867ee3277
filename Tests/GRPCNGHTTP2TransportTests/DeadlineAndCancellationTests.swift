import GRPCCore
import GRPCNGHTTP2Transport
import Testing

@Suite("Deadlines and cancellation")
struct DeadlineAndCancellationTests {
  @Test(
    "The client sends grpc-timeout; the server cancels the handler; the caller sees DEADLINE_EXCEEDED"
  )
  func deadline() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEcho(observations: observations) { client in
      var options = CallOptions.defaults
      // Long enough that even a loaded machine delivers the request before it expires.
      options.timeout = .seconds(2)
      let error = await #expect(throws: RPCError.self) {
        try await client.echoUnary("Sleep", [], options: options)
      }
      #expect(error?.code == .deadlineExceeded)
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
      let sent = try #require(observations.receivedMetadata.first)
      let timeout = try #require(sent[stringValues: "grpc-timeout"].first(where: { _ in true }))
      #expect(timeout.last.map { "HMSmun".contains($0) } == true)
      // The connection is still fine afterwards.
      #expect(try await client.echoUnary("Get", [5]).message == [5])
    }
  }

  @Test("Server-side: a grpc-timeout sent by a raw client ends the RPC with DEADLINE_EXCEEDED")
  func serverEnforcesTimeout() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEchoServer(observations: observations) { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      let result = try await raw.request(
        RawHTTP2Client.grpcRequest(path: "/test.Echo/Sleep", extra: [("grpc-timeout", "100m")]),
        body: []
      )
      await raw.close()
      let status = result.headerBlocks.last.flatMap { block in
        block.first(where: { $0.name == "grpc-status" })?.value
      }
      #expect(status == String(Status.Code.deadlineExceeded.rawValue))
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
    }
  }

  @Test("Cancelling the caller's task resets the stream and the server handler sees cancellation")
  func clientCancellation() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEcho(observations: observations) { client async throws -> Void in
      let call = Task {
        try await client.echoUnary("Sleep", [])
      }
      #expect(try await observations.eventually { $0.startedCount == 1 })
      call.cancel()
      let result = await call.result
      switch result {
      case .success(let response):
        #expect(
          response.accepted.failureValue?.code == .cancelled,
          "\(String(describing: response.accepted.failureValue))")
      case .failure(let error):
        #expect(error is CancellationError || (error as? RPCError)?.code == .cancelled)
      }
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
      #expect(try await client.echoUnary("Get", [6]).message == [6])
    }
  }

  @Test("A raw client's RST_STREAM mid-call cancels the server handler")
  func rawResetCancelsHandler() async throws {
    let observations = ServerObservations()
    try await TestHarness.withEchoServer(observations: observations) { _, port in
      // Preface, SETTINGS, HEADERS (stream 1, literal header fields), then RST_STREAM(CANCEL).
      var bytes = RawSocket.preface + RawSocket.emptySettings
      bytes += HandcraftedFrames.headers(
        streamID: 1, endStream: true,
        fields: [
          (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Sleep"),
          (":authority", "x"), ("content-type", "application/grpc"),
        ])
      let socket = try await RawConnection.open(port: port)
      try await socket.write(bytes)
      #expect(try await observations.eventually { $0.startedCount == 1 })
      try await socket.write(HandcraftedFrames.rstStream(streamID: 1, errorCode: 8))
      #expect(try await observations.eventually { $0.cancelledCount == 1 })
      await socket.close()
    }
  }

  @Test("Client cancellation puts RST_STREAM(CANCEL) on the wire")
  func clientCancellationSendsRSTStream() async throws {
    let silent = try await SilentHTTP2Server.start()
    try await TestHarness.withClient(target: .ipv4(host: "127.0.0.1", port: silent.port)) {
      client async throws -> Void in
      let call = Task { try await client.echoUnary("Get", [1]) }
      // Wait until the request HEADERS reached the (never answering) server.
      var sawHeaders = false
      for _ in 0..<500 where !sawHeaders {
        try await Task.sleep(for: .milliseconds(10))
        let received = try await silent.receivedBytes()
        sawHeaders = http2Frames(Array(received.dropFirst(RawSocket.preface.count))).contains {
          $0.type == 1
        }
      }
      #expect(sawHeaders)
      call.cancel()
      _ = await call.result
      var reset: (type: UInt8, flags: UInt8, streamID: UInt32, payload: [UInt8])?
      for _ in 0..<500 where reset == nil {
        let received = try await silent.receivedBytes()
        reset = http2Frames(Array(received.dropFirst(RawSocket.preface.count))).first {
          $0.type == 3
        }
        if reset == nil { try await Task.sleep(for: .milliseconds(10)) }
      }
      #expect(reset?.streamID == 1)
      #expect(reset?.payload == [0, 0, 0, 8])  // CANCEL
    }
    await silent.stop()
  }
}
