import GRPCCore
import MAACContracts

/// `grpc.health.v1.Health`, served by every process, backed by a ``HealthStatusRegistry``.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
  /// The fully qualified name of the health service.
  public static let serviceName = Grpc_Health_V1_Health.descriptor.fullyQualifiedService

  private let registry: HealthStatusRegistry

  public init(registry: HealthStatusRegistry) {
    self.registry = registry
  }

  public func check(
    request: Grpc_Health_V1_HealthCheckRequest,
    context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = registry.status(of: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
    }
    return Self.response(status)
  }

  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    for await status in registry.watch(request.service) {
      try await response.write(Self.response(status))
    }
  }

  private static func response(_ status: HealthStatusRegistry.Status?)
    -> Grpc_Health_V1_HealthCheckResponse
  {
    var response = Grpc_Health_V1_HealthCheckResponse()
    switch status {
    case .serving: response.status = .serving
    case .notServing: response.status = .notServing
    case nil: response.status = .serviceUnknown
    }
    return response
  }
}
