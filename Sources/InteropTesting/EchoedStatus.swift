import GRPCCore
import InteropTestingContracts

/// A status the client asks the server to answer with (interop "Echo Status"), and the check
/// that exactly that status comes back.
struct EchoedStatus {
  var code: Int32
  var message: String

  func check<Transport: ClientTransport>(
    client: GRPCClient<Transport>,
    viaFullDuplexCall: Bool
  ) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    var status = Grpc_Testing_EchoStatus()
    status.code = self.code
    status.message = self.message
    guard let expectedCode = Status.Code(rawValue: Int(self.code)).flatMap(RPCError.Code.init)
    else {
      throw InteropTestFailure("\(self.code) is not an error status code")
    }

    var unaryRequest = Grpc_Testing_SimpleRequest()
    unaryRequest.responseStatus = status
    let unaryError = try await expectRPCError(expectedCode) {
      _ = try await testService.unaryCall(unaryRequest)
    }
    try expect(
      unaryError.message == self.message,
      "UnaryCall: expected status message \(self.message.debugDescription), got \(unaryError.message.debugDescription)"
    )

    guard viaFullDuplexCall else { return }
    var duplexMessage = Grpc_Testing_StreamingOutputCallRequest()
    duplexMessage.responseStatus = status
    let message = duplexMessage
    let duplexRequest = StreamingClientRequest(of: Grpc_Testing_StreamingOutputCallRequest.self) {
      writer in
      try await writer.write(message)
    }
    let duplexError = try await expectRPCError(expectedCode) {
      try await testService.fullDuplexCall(request: duplexRequest) { response in
        for try await _ in response.messages {}
      }
    }
    try expect(
      duplexError.message == self.message,
      "FullDuplexCall: expected status message \(self.message.debugDescription), got \(duplexError.message.debugDescription)"
    )
  }
}
