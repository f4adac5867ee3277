import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging

/// The running gateway: upstream clients, the token verifier, and the HTTP listener.
public struct GatewayServer: Sendable {
  public let configuration: GatewayConfiguration
  public let logger: Logger
  let timeoutOverride: Duration?
  let jwksCheckInterval: Duration

  /// - Parameters:
  ///   - timeoutOverride: replaces every route's upstream deadline (tests of G12).
  ///   - jwksCheckInterval: how often the JWKS file's stamp is re-read.
  public init(
    configuration: GatewayConfiguration, logger: Logger = Logger(label: "maac.gateway"),
    timeoutOverride: Duration? = nil, jwksCheckInterval: Duration = .seconds(1)
  ) {
    self.configuration = configuration
    self.logger = logger
    self.timeoutOverride = timeoutOverride
    self.jwksCheckInterval = jwksCheckInterval
  }

  /// Serves until cancelled; `onBound` gets the real HTTP port (useful with port 0) and
  /// `onGRPCBound` the gRPC pass-through port.
  public func run(
    onBound: @escaping @Sendable (Int) -> Void = { _ in },
    onGRPCBound: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws {
    let keys = JWKSKeyStore(path: configuration.jwksFile, checkInterval: jwksCheckInterval)
    try await keys.load()
    let verifier = TokenVerifier(
      keys: keys, policy: .init(issuer: configuration.issuer, audience: configuration.audience))
    let upstreams = Upstreams(peers: configuration.peers)
    let document = configuration.openAPIPath.flatMap { FileManager.default.contents(atPath: $0) }
      .map { [UInt8]($0) }
    let handler = GatewayHandler(
      routes: GatewayRoutes.all, verifier: verifier, upstreams: upstreams,
      openAPIDocument: document, logger: logger,
      timeoutOverride: timeoutOverride)
    let server = HTTP1Server(handler: handler, host: configuration.host, port: configuration.port)
    try await withThrowingDiscardingTaskGroup { group in
      group.addTask { try await upstreams.run() }
      if let grpcPort = configuration.grpcPort {
        let transport = NGHTTP2ServerTransport(
          address: .ipv4(host: configuration.host, port: grpcPort))
        let grpcServer = GRPCServer(
          transport: transport,
          services: [
            GRPCPassThrough(
              verifier: verifier, upstreams: upstreams, timeout: timeoutOverride ?? .seconds(10))
          ])
        group.addTask {
          try await withTaskCancellationHandler {
            try await grpcServer.serve()
          } onCancel: {
            grpcServer.beginGracefulShutdown()
          }
        }
        group.addTask { onGRPCBound(try await transport.listeningAddress.port) }
      }
      // The listener decides the gateway's lifetime; the clients stop with it.
      try await server.serve(onBound: onBound)
      group.cancelAll()
    }
  }
}
