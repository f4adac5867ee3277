import GRPCCore
import ServiceLifecycle

/// Runs a `GRPCServer` as a swift-service-lifecycle `Service`: on graceful shutdown
/// (SIGTERM/SIGINT) health turns NOT_SERVING first, then the server stops accepting (the
/// transport sends GOAWAY), lets in-flight calls finish and returns.
public struct GRPCServerService<Transport: ServerTransport>: Service {
  private let server: GRPCServer<Transport>
  private let health: HealthStatusRegistry

  public init(server: GRPCServer<Transport>, health: HealthStatusRegistry) {
    self.server = server
    self.health = health
  }

  public func run() async throws {
    try await withGracefulShutdownHandler {
      try await server.serve()
    } onGracefulShutdown: {
      health.markAllNotServing()
      server.beginGracefulShutdown()
    }
  }
}
