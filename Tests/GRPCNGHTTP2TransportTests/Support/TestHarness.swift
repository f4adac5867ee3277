import GRPCCore
import GRPCNGHTTP2Transport

/// Runs a real `GRPCServer` on a free loopback port and a real `GRPCClient` against it.
enum TestHarness {
  static func withEchoServer<T: Sendable>(
    host: String = "127.0.0.1",
    ipv6: Bool = false,
    serverConfig: NGHTTP2ServerTransport.Config = .defaults,
    observations: ServerObservations = ServerObservations(),
    _ body: @Sendable (_ server: GRPCServer<NGHTTP2ServerTransport>, _ port: Int) async throws -> T
  ) async throws -> T {
    let transport = NGHTTP2ServerTransport(
      address: ipv6 ? .ipv6(host: host, port: 0) : .ipv4(host: host, port: 0),
      config: serverConfig
    )
    let server = GRPCServer(
      transport: transport, services: [EchoService(observations: observations)])
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      let port = try await transport.listeningAddress.port
      do {
        let result = try await body(server, port)
        server.beginGracefulShutdown()
        try await group.waitForAll()
        return result
      } catch {
        server.beginGracefulShutdown()
        group.cancelAll()
        throw error
      }
    }
  }

  static func withClient<T: Sendable>(
    target: NGHTTP2ClientTransport.Target,
    config: NGHTTP2ClientTransport.Config = .defaults,
    _ body: (GRPCClient<NGHTTP2ClientTransport>) async throws -> T
  ) async throws -> T {
    try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target, config: config)) {
      client in
      try await body(client)
    }
  }

  /// Server and client in one go, on IPv4 loopback.
  static func withEcho<T: Sendable>(
    serverConfig: NGHTTP2ServerTransport.Config = .defaults,
    clientConfig: NGHTTP2ClientTransport.Config = .defaults,
    observations: ServerObservations = ServerObservations(),
    _ body: @Sendable (GRPCClient<NGHTTP2ClientTransport>) async throws -> T
  ) async throws -> T {
    try await withEchoServer(serverConfig: serverConfig, observations: observations) { _, port in
      try await withClient(target: .ipv4(host: "127.0.0.1", port: port), config: clientConfig) {
        client in
        try await body(client)
      }
    }
  }
}

extension GRPCClient where Transport == NGHTTP2ClientTransport {
  /// Unary call on the echo service returning the whole response.
  func echoUnary(
    _ method: String,
    _ message: [UInt8],
    metadata: Metadata = [:],
    options: CallOptions = .defaults
  ) async throws -> ClientResponse<[UInt8]> {
    try await self.unary(
      request: ClientRequest(message: message, metadata: metadata),
      descriptor: EchoService.method(method),
      serializer: RawSerializer(),
      deserializer: RawDeserializer(),
      options: options
    ) { response in
      response
    }
  }
}
