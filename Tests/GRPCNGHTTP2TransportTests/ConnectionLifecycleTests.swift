import GRPCCore
import MAACTestSupport
import Testing

@testable import GRPCNGHTTP2Transport

@Suite("Connection lifecycle")
struct ConnectionLifecycleTests {
  @Test("Graceful shutdown: GOAWAY is sent, in-flight RPCs finish, new RPCs fail UNAVAILABLE")
  func gracefulShutdown() async throws {
    let observations = ServerObservations()
    let transport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
    let server = GRPCServer(
      transport: transport, services: [EchoService(observations: observations)])
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      let port = try await transport.listeningAddress.port
      let raw = try await RawHTTP2Client.connect(port: port)

      try await TestHarness.withClient(target: .ipv4(host: "127.0.0.1", port: port)) { client in
        let inFlight = Task {
          try await (0..<5).asyncMap { index in
            try await client.echoUnary("Hold", [UInt8(index)]).message
          }
        }
        #expect(try await observations.eventually { $0.startedCount == 5 })

        server.beginGracefulShutdown()
        // The idle raw connection is told to go away and then closed.
        #expect(try await raw.waitForClose())

        // New RPCs are refused once the client has seen the GOAWAY. (A stream the client opened
        // before the GOAWAY notice reached it is still served: that is what the two-step GOAWAY
        // is for.) Nothing fails with anything but UNAVAILABLE.
        var refused: RPCError?
        for _ in 0..<200 where refused == nil {
          do {
            _ = try await client.echoUnary("Get", [1]).message
            try await Task.sleep(for: .milliseconds(5))
          } catch let error as RPCError {
            refused = error
          }
        }
        #expect(refused?.code == .unavailable)

        // In-flight ones still complete.
        observations.release()
        let replies = try await inFlight.value
        #expect(replies == (0..<5).map { [UInt8($0)] })
      }
      try await group.waitForAll()
    }
  }

  @Test("The client reconnects (with backoff) after the server restarts on the same port")
  func reconnectAfterRestart() async throws {
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.backoff = NGHTTP2ConnectionBackoff(
      initial: .milliseconds(20), maximum: .milliseconds(200))
    // Below the ephemeral range, so that no parallel test's server takes the port while it is
    // down (see waitForReady).
    let first = NGHTTP2ServerTransport(
      address: .ipv4(host: "127.0.0.1", port: try FreePort.pick()))
    let firstServer = GRPCServer(transport: first, services: [EchoService()])
    try await withThrowingTaskGroup(of: Void.self) { servers in
      servers.addTask { try await firstServer.serve() }
      let port = try await first.listeningAddress.port

      try await TestHarness.withClient(
        target: .ipv4(host: "127.0.0.1", port: port), config: clientConfig
      ) { client in
        #expect(try await client.echoUnary("Get", [1]).message == [1])

        firstServer.beginGracefulShutdown()
        try await servers.next()

        // Server down: RPCs fail fast with UNAVAILABLE.
        let down = await #expect(throws: RPCError.self) {
          try await client.echoUnary("Get", [2]).message
        }
        #expect(down?.code == .unavailable)

        let second = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: port))
        let secondServer = GRPCServer(transport: second, services: [EchoService()])
        servers.addTask { try await secondServer.serve() }
        _ = try await second.listeningAddress

        var reply: [UInt8]?
        for _ in 0..<200 where reply == nil {
          reply = try? await client.echoUnary("Get", [3]).message
          if reply == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(reply == [3])
        secondServer.beginGracefulShutdown()
      }
      try await servers.waitForAll()
    }
  }

  @Test("waitForReady RPCs wait through backoff until the server is up")
  func waitForReady() async throws {
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.backoff = NGHTTP2ConnectionBackoff(
      initial: .milliseconds(20), maximum: .milliseconds(100))
    // A port below the ephemeral range: no server binding port 0 in a parallel test can take
    // it while this one waits (one freed by a stopped server could be, and was: UNIMPLEMENTED).
    let port = try FreePort.pick()
    try await TestHarness.withClient(
      target: .ipv4(host: "127.0.0.1", port: port), config: clientConfig
    ) { client in
      try await withThrowingTaskGroup(of: Void.self) { group in
        let call = Task {
          var options = CallOptions.defaults
          options.waitForReady = true
          return try await client.echoUnary("Get", [9], options: options).message
        }
        try await Task.sleep(for: .milliseconds(100))
        let server = GRPCServer(
          transport: NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: port)),
          services: [EchoService()]
        )
        group.addTask { try await server.serve() }
        #expect(try await call.value == [9])
        server.beginGracefulShutdown()
        try await group.waitForAll()
      }
    }
  }

  @Test("Server keepalive sends PINGs on an open connection")
  func serverKeepalive() async throws {
    var serverConfig = NGHTTP2ServerTransport.Config.defaults
    serverConfig.keepalive = NGHTTP2Keepalive(
      interval: .milliseconds(50), timeout: .seconds(5), permitWithoutCalls: true)
    try await TestHarness.withEchoServer(serverConfig: serverConfig) { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      var pings = 0
      for _ in 0..<500 where pings < 3 {
        try await Task.sleep(for: .milliseconds(10))
        pings = try await raw.pingsReceived
      }
      #expect(pings >= 3)
      await raw.close()
    }
  }

  @Test("Client keepalive PINGs a silent peer and drops the connection when no ACK comes")
  func clientKeepaliveDetectsDeadPeer() async throws {
    let silent = try await SilentHTTP2Server.start()
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.keepalive = NGHTTP2Keepalive(
      interval: .milliseconds(50), timeout: .milliseconds(100), permitWithoutCalls: true)
    clientConfig.backoff = NGHTTP2ConnectionBackoff(initial: .seconds(10))
    try await TestHarness.withClient(
      target: .ipv4(host: "127.0.0.1", port: silent.port), config: clientConfig
    ) { client in
      // The silent server never answers: the RPC ends when keepalive gives up on the connection.
      let error = await #expect(throws: RPCError.self) {
        try await client.echoUnary("Get", [1]).message
      }
      #expect(error?.code == .unavailable)
    }
    let received = try await silent.receivedBytes()
    let pings = http2FrameTypes(Array(received.dropFirst(RawSocket.preface.count)))
      .filter { $0.type == 6 && $0.flags & 1 == 0 }
    #expect(pings.count >= 1)
    await silent.stop()
  }

  @Test("Server idle timeout sends GOAWAY and closes an idle connection")
  func serverIdleTimeout() async throws {
    var serverConfig = NGHTTP2ServerTransport.Config.defaults
    serverConfig.idleTimeout = .milliseconds(100)
    try await TestHarness.withEchoServer(serverConfig: serverConfig) { _, port in
      let raw = try await RawHTTP2Client.connect(port: port)
      #expect(try await raw.waitForClose())
    }
  }

  @Test("Server idle timeout leaves a connection with an open RPC alone")
  func serverIdleTimeoutSparesBusyConnection() async throws {
    var serverConfig = NGHTTP2ServerTransport.Config.defaults
    // Long enough that a loaded test machine still sends the first request in time (a
    // connection whose first request comes later is, rightly, closed as idle).
    // (1 s was too short once in a full parallel run, and 2 s in a fresh-clone CI run at
    // load 20: the test process stalled before the first request and the stream was refused
    // as idle.)
    serverConfig.idleTimeout = .seconds(4)
    let observations = ServerObservations()
    try await TestHarness.withEchoServer(serverConfig: serverConfig, observations: observations) {
      _, port in
      try await TestHarness.withClient(target: .ipv4(host: "127.0.0.1", port: port)) { client in
        let held = Task { () async throws -> [UInt8] in
          // A connection the test process stalls on for longer than the idle timeout before
          // its first request is, rightly, closed as idle and the stream refused unprocessed
          // (CI at load 25). That is not what this test checks: the call is sent again then,
          // on a new connection. Any other failure of the held call fails the test.
          for _ in 1..<5 {
            do {
              return try await client.echoUnary("Hold", [8]).message
            } catch let error as RPCError
              where error.code == .unavailable && error.cause is StreamNeverProcessed
            {
              continue
            }
          }
          return try await client.echoUnary("Hold", [8]).message
        }
        #expect(try await observations.eventually { $0.startedCount == 1 })
        // Several idle periods pass while the RPC is open.
        try await Task.sleep(for: .seconds(10))
        observations.release()
        #expect(try await held.value == [8])
      }
    }
  }

  @Test("Client idle timeout closes the connection; the next RPC opens a new one")
  func clientIdleTimeout() async throws {
    let observations = ServerObservations()
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    clientConfig.idleTimeout = .milliseconds(50)
    try await TestHarness.withEcho(clientConfig: clientConfig, observations: observations) {
      client in
      // `.message` throws the RPC's error: every call must succeed, none may be refused because
      // the idle timer closed the connection it had just picked.
      #expect(try await client.echoUnary("Track", [1]).message == [1])
      var peers = 1
      // Each pause is longer than the idle timeout, so the connection should be gone by the
      // next RPC; the loop only bounds how long a loaded machine may take.
      for _ in 0..<50 where peers < 2 {
        try await Task.sleep(for: .milliseconds(150))
        #expect(try await client.echoUnary("Track", [2]).message == [2])
        peers = observations.peers.count
      }
      #expect(peers >= 2)
    }
  }

  @Test(
    "An idle timeout shorter than the way from picking a connection to opening the stream never fails an RPC"
  )
  func idleTimeoutRacingNewStreams() async throws {
    var clientConfig = NGHTTP2ClientTransport.Config.defaults
    // The timer fires on the first loop tick after the connection is ready or its last stream
    // closed: before the fix, an RPC that had picked the connection was refused UNAVAILABLE
    // ("The connection is closing") whenever its `.open` reached the loop after that tick.
    clientConfig.idleTimeout = .microseconds(1)
    try await TestHarness.withEcho(clientConfig: clientConfig) { client in
      for round in 0..<40 {
        let byte = UInt8(round)
        #expect(try await client.echoUnary("Get", [byte]).message == [byte])
        if round % 4 == 3 { try await Task.sleep(for: .milliseconds(2)) }
      }
    }
  }

  @Test("h2c over IPv6 loopback (::1)")
  func ipv6() async throws {
    try await TestHarness.withEchoServer(host: "::1", ipv6: true) { _, port in
      try await TestHarness.withClient(target: .ipv6(host: "::1", port: port)) {
        client async throws -> Void in
        #expect(try await client.echoUnary("Get", [6]).message == [6])
      }
    }
  }

  @Test("DNS target: localhost")
  func dnsLocalhost() async throws {
    try await TestHarness.withEchoServer { _, port in
      try await TestHarness.withClient(target: .dns(host: "localhost", port: port)) {
        client async throws -> Void in
        #expect(try await client.echoUnary("Get", [4]).message == [4])
      }
    }
  }
}

extension Range where Bound == Int {
  /// Runs `transform` concurrently for each element, returning results in order.
  func asyncMap<T: Sendable>(_ transform: @escaping @Sendable (Int) async throws -> T) async throws
    -> [T]
  {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
      for index in self { group.addTask { (index, try await transform(index)) } }
      var results: [(Int, T)] = []
      for try await result in group { results.append(result) }
      return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }
}
