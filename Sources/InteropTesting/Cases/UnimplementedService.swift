public import GRPCCore
import InteropTestingContracts

/// `unimplemented_service`: `grpc.testing.UnimplementedService/UnimplementedCall` is
/// UNIMPLEMENTED.
public struct UnimplementedService: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let unimplementedService = Grpc_Testing_UnimplementedService.Client(wrapping: client)
    try await expectRPCError(.unimplemented) {
      _ = try await unimplementedService.unimplementedCall(Grpc_Testing_Empty())
    }
  }
}
