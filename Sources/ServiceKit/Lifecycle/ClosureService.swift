import ServiceLifecycle

/// A `Service` made of a closure, for background work a service process runs beside its
/// RPC server (event consumers, job runners). The closure must return promptly when its
/// task is cancelled or `gracefulShutdown()` fires.
public struct ClosureService: Service, CustomStringConvertible {
  public let description: String
  private let body: @Sendable () async throws -> Void

  public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
    self.description = name
    self.body = body
  }

  public func run() async throws {
    try await body()
  }
}
