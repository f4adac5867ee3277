import GRPCCore
import GRPCNGHTTP2Transport
import GRPCNIOTransportHTTP2
import InteropTesting

/// The transports compared: this project's nghttp2 transport and grpc-swift-nio-transport's
/// HTTP/2 transport (the reference). Both serve the same `TestService` on IPv4 loopback.
enum TransportUnderTest: String, CaseIterable, Sendable {
  case nghttp2
  case nio

  /// Raised from both defaults so that the idle-streams workload (10,000 streams on one
  /// connection) is not throttled by SETTINGS_MAX_CONCURRENT_STREAMS.
  static let maxConcurrentStreams = 20_000

  /// Starts a server on a free loopback port, runs `workload` through a client connected to
  /// it, then shuts both down.
  func run<W: Workload>(_ workload: W) async throws -> W.Output {
    switch self {
    case .nghttp2:
      let serverTransport = NGHTTP2ServerTransport(
        address: .ipv4(host: "127.0.0.1", port: 0),
        config: NGHTTP2ServerTransport.Config(maxConcurrentStreams: Self.maxConcurrentStreams)
      )
      return try await Self.serve(on: serverTransport) {
        let port = try await serverTransport.listeningAddress.port
        let clientTransport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
        return try await withGracefulGRPCClient(transport: clientTransport) { client in
          try await workload.run(client: client)
        }
      }
    case .nio:
      let serverTransport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: 0),
        transportSecurity: .plaintext,
        config: .defaults { $0.http2.maxConcurrentStreams = Self.maxConcurrentStreams }
      )
      return try await Self.serve(on: serverTransport) {
        guard let port = try await serverTransport.listeningAddress.ipv4?.port else {
          throw BenchmarkError("the NIO server did not bind an IPv4 address")
        }
        let clientTransport = try HTTP2ClientTransport.Posix(
          target: .ipv4(address: "127.0.0.1", port: port),
          transportSecurity: .plaintext
        )
        return try await withGracefulGRPCClient(transport: clientTransport) { client in
          try await workload.run(client: client)
        }
      }
    }
  }

  private static func serve<Server: ServerTransport, Output: Sendable>(
    on transport: Server,
    _ body: () async throws -> Output
  ) async throws -> Output {
    let server = GRPCServer(transport: transport, services: [TestService()])
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      defer { server.beginGracefulShutdown() }
      return try await body()
    }
  }
}
