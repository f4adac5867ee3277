public import GRPCCore
import InteropTestingContracts

/// `unimplemented_method`: `grpc.testing.TestService/UnimplementedCall` is UNIMPLEMENTED.
public struct UnimplementedMethod: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    try await expectRPCError(.unimplemented) {
      _ = try await testService.unimplementedCall(Grpc_Testing_Empty())
    }
  }
}
