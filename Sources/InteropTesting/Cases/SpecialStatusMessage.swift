public import GRPCCore
import InteropTestingContracts

/// `special_status_message`: a status message with whitespace, BMP and non-BMP characters comes
/// back from a UnaryCall exactly as sent.
public struct SpecialStatusMessage: InteropTest {
  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let message = "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n"
    try await EchoedStatus(code: 2, message: message)
      .check(client: client, viaFullDuplexCall: false)
  }
}
