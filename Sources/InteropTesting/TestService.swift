public import GRPCCore
import InteropTestingContracts

/// The server side of the gRPC interoperability tests: `grpc.testing.TestService` as grpc's
/// `doc/interop-test-descriptions.md` describes it, on whatever `ServerTransport` the server uses.
///
/// `UnimplementedCall` is deliberately left out of the router, so that calling it exercises the
/// server's own "no such method" path (UNIMPLEMENTED) rather than a handler that throws.
public struct TestService: RegistrableRPCService {
  private let handlers = TestServiceHandlers()

  /// Creates the service.
  public init() {}

  /// Registers every method of `grpc.testing.TestService` except `UnimplementedCall`.
  public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    self.handlers.registerMethods(with: &router)
    _ = router.removeHandler(
      forMethod: Grpc_Testing_TestService.Method.UnimplementedCall.descriptor)
  }
}
