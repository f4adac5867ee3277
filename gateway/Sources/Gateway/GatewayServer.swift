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

  /// Serves until cancelled. `onBound` gets the real port (useful with port 0); `onGRPCBound`
  /// gets the port gRPC clients use: the same one, unless a dedicated pass-through port is
  /// configured (``GatewayConfiguration/grpcPort``).
  public func run(
    onBound: @escaping @Sendable (Int) -> Void = { _ in },
    onGRPCBound: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws {
    let keys = JWKSKeyStore(path: configuration.jwksFile, checkInterval: jwksCheckInterval)
    try await keys.load()
    let verifier = TokenVerifier(
      keys: keys, policy: .init(issuer: configuration.issuer, audience: configuration.audience))
    let upstreams = Upstreams(
      peers: configuration.peers,
      organizationLookupTimeout: configuration.organizationLookupTimeout)
    let document = configuration.openAPIPath.flatMap { FileManager.default.contents(atPath: $0) }
      .map { [UInt8]($0) }
    let handler = GatewayHandler(
      routes: GatewayRoutes.all, verifier: verifier, upstreams: upstreams,
      openAPIDocument: document, logger: logger,
      timeoutOverride: timeoutOverride, limits: configuration.limits, cors: configuration.cors)
    let passThrough = GRPCPassThrough(
      verifier: verifier, upstreams: upstreams, timeout: timeoutOverride ?? .seconds(10))
    // HTTP/2 connections detected on the shared port: gRPC goes to the pass-through, anything
    // else (REST over h2c) back to the handler.
    let shared = NGHTTP2ServerTransport(
      address: .unbound,
      config: .init(
        plainResponder: RESTOverHTTP2Responder(handler: handler),
        maxPlainRequestBodySize: 1 << 20))
    let sharedServer = GRPCServer(transport: shared, services: [passThrough])
    let listener = GatewayListener(
      handler: handler, http2: shared, host: configuration.host, port: configuration.port)
    try await withThrowingDiscardingTaskGroup { group in
      group.addTask { try await upstreams.run() }
      group.addTask { try await Self.serve(sharedServer) }
      if let grpcPort = configuration.grpcPort {
        let transport = NGHTTP2ServerTransport(
          address: .ipv4(host: configuration.host, port: grpcPort))
        group.addTask {
          try await Self.serve(GRPCServer(transport: transport, services: [passThrough]))
        }
        group.addTask { onGRPCBound(try await transport.listeningAddress.port) }
      }
      // Connections may be adopted only once the shared transport listens.
      _ = try await shared.listeningAddress
      let dedicated = configuration.grpcPort != nil
      // The listener decides the gateway's lifetime; the clients stop with it.
      try await listener.serve(onBound: { port in
        onBound(port)
        if !dedicated { onGRPCBound(port) }
      })
      group.cancelAll()
    }
  }

  private static func serve(_ server: GRPCServer<NGHTTP2ServerTransport>) async throws {
    try await withTaskCancellationHandler {
      try await server.serve()
    } onCancel: {
      server.beginGracefulShutdown()
    }
  }
}
