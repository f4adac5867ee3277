/// The interoperability test cases this project supports, named as grpc's
/// `doc/interop-test-descriptions.md` names them (the `--test_case` values).
public enum InteropTestCase: String, CaseIterable, Sendable {
  case emptyUnary = "empty_unary"
  case largeUnary = "large_unary"
  case clientStreaming = "client_streaming"
  case serverStreaming = "server_streaming"
  case pingPong = "ping_pong"
  case emptyStream = "empty_stream"
  case cancelAfterBegin = "cancel_after_begin"
  case cancelAfterFirstResponse = "cancel_after_first_response"
  case timeoutOnSleepingServer = "timeout_on_sleeping_server"
  case customMetadata = "custom_metadata"
  case statusCodeAndMessage = "status_code_and_message"
  case specialStatusMessage = "special_status_message"
  case unimplementedMethod = "unimplemented_method"
  case unimplementedService = "unimplemented_service"

  /// The implementation of the case.
  public var test: any InteropTest {
    switch self {
    case .emptyUnary: EmptyUnary()
    case .largeUnary: LargeUnary()
    case .clientStreaming: ClientStreaming()
    case .serverStreaming: ServerStreaming()
    case .pingPong: PingPong()
    case .emptyStream: EmptyStream()
    case .cancelAfterBegin: CancelAfterBegin()
    case .cancelAfterFirstResponse: CancelAfterFirstResponse()
    case .timeoutOnSleepingServer: TimeoutOnSleepingServer()
    case .customMetadata: CustomMetadata()
    case .statusCodeAndMessage: StatusCodeAndMessage()
    case .specialStatusMessage: SpecialStatusMessage()
    case .unimplementedMethod: UnimplementedMethod()
    case .unimplementedService: UnimplementedService()
    }
  }
}
