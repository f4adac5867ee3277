public import GRPCCore

/// One client-side interoperability test case: it drives RPCs through `client` and throws
/// ``InteropTestFailure`` (or the RPC's own error) when the server does not behave as grpc's
/// `doc/interop-test-descriptions.md` prescribes.
public protocol InteropTest: Sendable {
  /// Runs the case against the server `client` is connected to.
  func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws
}
