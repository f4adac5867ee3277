public import GRPCCore
import InteropTestingContracts

/// `empty_unary`: EmptyCall with the default Empty message succeeds with an Empty response.
public struct EmptyUnary: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    let response = try await testService.emptyCall(Grpc_Testing_Empty())
    try expect(response == Grpc_Testing_Empty(), "EmptyCall answered \(response), not Empty")
  }
}
