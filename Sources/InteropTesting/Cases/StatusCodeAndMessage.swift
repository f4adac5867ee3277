public import GRPCCore
import InteropTestingContracts

/// `status_code_and_message`: the status a client asks for (2, "test status message") is the
/// one it receives, from a UnaryCall and from a FullDuplexCall.
public struct StatusCodeAndMessage: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    try await EchoedStatus(code: 2, message: "test status message")
      .check(client: client, viaFullDuplexCall: true)
  }
}
