import Foundation
import Gateway
import Logging
import MAACTestSupport
import ServiceKit

/// The real gateway serving in a background task on a free loopback port.
final class RunningGateway: Sendable {
  let port: Int
  /// The gRPC pass-through port.
  let grpcPort: Int
  let client: HTTPTestClient
  private let task: Task<Void, any Error>

  private init(port: Int, grpcPort: Int, task: Task<Void, any Error>) {
    self.port = port
    self.grpcPort = grpcPort
    self.client = HTTPTestClient(base: "http://127.0.0.1:\(port)")
    self.task = task
  }

  static let openAPIPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("openapi.yaml").path

  static func start(
    jwksFile: String, peers: [String: HostAndPort], issuer: String = TestSigningKeys.issuer,
    timeoutOverride: Duration? = nil, limits: RateLimits = .unlimited,
    cors: CORSPolicy = CORSPolicy(), logger: Logger? = nil,
    organizationLookupTimeout: Duration = TestBudgets.organizationLookup
  ) async throws -> RunningGateway {
    let configuration = GatewayConfiguration(
      port: 0, grpcPort: nil, jwksFile: jwksFile, issuer: issuer,
      audience: TestSigningKeys.audience,
      peers: peers,
      openAPIPath: openAPIPath, limits: limits, cors: cors,
      organizationLookupTimeout: organizationLookupTimeout)
    let logger =
      logger
      ?? {
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .warning
        return logger
      }()
    let server = GatewayServer(
      configuration: configuration, logger: logger, timeoutOverride: timeoutOverride,
      jwksCheckInterval: .zero)
    let (ports, continuation) = AsyncStream.makeStream(of: (String, Int).self)
    let task = Task {
      defer { continuation.finish() }
      try await server.run(
        onBound: { continuation.yield(("http", $0)) },
        onGRPCBound: { continuation.yield(("grpc", $0)) })
    }
    var bound: [String: Int] = [:]
    for await (kind, port) in ports {
      bound[kind] = port
      if let http = bound["http"], let grpc = bound["grpc"] {
        return RunningGateway(port: http, grpcPort: grpc, task: task)
      }
    }
    try await task.value
    throw GatewayConfigurationError("the gateway stopped before it listened")
  }

  func stop() async {
    task.cancel()
    _ = try? await task.value
  }
}
