public import GRPCCore
import InteropTestingContracts

/// `large_unary`: a 271828-byte request answered with a 314159-byte response payload.
public struct LargeUnary: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    var request = Grpc_Testing_SimpleRequest()
    request.responseSize = 314_159
    request.payload = .zeros(count: 271_828)
    let response = try await testService.unaryCall(request)
    try expect(
      response.payload == .zeros(count: 314_159),
      "expected a payload of 314159 zero bytes, got \(response.payload.body.count) bytes"
    )
  }
}
