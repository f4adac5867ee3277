public import GRPCCore

extension InteropTest {
  /// Runs the case on a new client over `transport` (see ``withGracefulGRPCClient(transport:_:)``).
  public func run<Transport: ClientTransport>(over transport: Transport) async throws {
    try await withGracefulGRPCClient(transport: transport) { client in
      try await self.run(client: client)
    }
  }
}

/// Runs `body` with a client over `transport`, then shuts the client down gracefully whether
/// `body` succeeded or not, and returns or rethrows its outcome.
///
/// Unlike `withGRPCClient`, a failing `body` does not cancel the client's connection task: the
/// client shuts down gracefully instead, so a failure ends promptly even over a transport whose
/// `connect()` only returns after `beginGracefulShutdown()`.
public func withGracefulGRPCClient<Transport: ClientTransport, Result: Sendable>(
  transport: Transport,
  _ body: (GRPCClient<Transport>) async throws -> Result
) async throws -> Result {
  let client = GRPCClient(transport: transport)
  let outcome = try await withThrowingDiscardingTaskGroup {
    group -> Swift.Result<Result, any Error> in
    group.addTask { try await client.runConnections() }
    defer { client.beginGracefulShutdown() }
    do {
      return .success(try await body(client))
    } catch {
      return .failure(error)
    }
  }
  return try outcome.get()
}
