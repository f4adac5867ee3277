import GRPCCore

/// One measured workload: it drives RPCs through a client connected to a `TestService` server
/// and returns what it measured. The same workload value runs over every transport.
protocol Workload: Sendable {
  associatedtype Output: Sendable
  func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws -> Output
}
