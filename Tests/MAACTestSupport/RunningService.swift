import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit
import ServiceLifecycle
import Synchronization

/// A ``ServiceProcess`` serving in a background task of the test, on a free loopback port.
public final class RunningService: Sendable {
  /// Where it listens.
  public let address: HostAndPort
  private let task: Task<Void, any Error>

  private init(address: HostAndPort, task: Task<Void, any Error>) {
    self.address = address
    self.task = task
  }

  /// Starts `process` serving `services` and returns once it listens.
  public static func start(
    _ process: ServiceProcess,
    services: [any RegistrableRPCService],
    tenancy: TenancyPolicy,
    background: [any ServiceLifecycleService] = []
  ) async throws -> RunningService {
    let (addresses, continuation) = AsyncStream.makeStream(of: HostAndPort.self)
    let task = Task {
      defer { continuation.finish() }
      try await process.serve(
        services: services, tenancy: tenancy, background: background,
        onListening: { continuation.yield($0) })
    }
    for await address in addresses {
      return RunningService(address: address, task: task)
    }
    // The stream finished without an address: serving failed; surface its error.
    try await task.value
    throw RPCError(code: .internalError, message: "the service stopped before it listened")
  }

  /// Stops it abruptly (cancellation), as a crash or kill would, and waits until it is gone.
  public func stop() async {
    task.cancel()
    _ = try? await task.value
  }
}

/// swift-service-lifecycle's `Service`, under a name that does not clash with test types.
public typealias ServiceLifecycleService = ServiceLifecycle.Service
