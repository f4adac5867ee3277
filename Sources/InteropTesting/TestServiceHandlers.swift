import GRPCCore
import InteropTestingContracts

/// The behaviour of each `grpc.testing.TestService` method, per the "Server" section of grpc's
/// interop test descriptions: payload sizes, echoed status (Echo Status) and echoed metadata
/// (Echo Metadata).
struct TestServiceHandlers: Grpc_Testing_TestService.ServiceProtocol {
  func emptyCall(
    request: ServerRequest<Grpc_Testing_Empty>,
    context: ServerContext
  ) async throws -> ServerResponse<Grpc_Testing_Empty> {
    let echo = EchoedMetadata(request.metadata)
    return ServerResponse(
      message: Grpc_Testing_Empty(),
      metadata: echo.initial,
      trailingMetadata: echo.trailing
    )
  }

  func unaryCall(
    request: ServerRequest<Grpc_Testing_SimpleRequest>,
    context: ServerContext
  ) async throws -> ServerResponse<Grpc_Testing_SimpleResponse> {
    let echo = EchoedMetadata(request.metadata)
    let message = request.message
    if message.hasResponseStatus, let error = RPCError(echoing: message.responseStatus) {
      return ServerResponse(error: error.withMetadata(echo.trailing))
    }
    guard message.responseSize >= 0 else {
      throw RPCError(
        code: .invalidArgument,
        message: "response_size must not be negative, got \(message.responseSize)"
      )
    }
    var response = Grpc_Testing_SimpleResponse()
    response.payload = .zeros(count: Int(message.responseSize))
    return ServerResponse(
      message: response,
      metadata: echo.initial,
      trailingMetadata: echo.trailing
    )
  }

  func streamingOutputCall(
    request: ServerRequest<Grpc_Testing_StreamingOutputCallRequest>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Grpc_Testing_StreamingOutputCallResponse> {
    let echo = EchoedMetadata(request.metadata)
    let message = request.message
    return StreamingServerResponse(metadata: echo.initial) { writer in
      try await Self.respond(to: message, with: writer)
      return echo.trailing
    }
  }

  func streamingInputCall(
    request: StreamingServerRequest<Grpc_Testing_StreamingInputCallRequest>,
    context: ServerContext
  ) async throws -> ServerResponse<Grpc_Testing_StreamingInputCallResponse> {
    let echo = EchoedMetadata(request.metadata)
    var total = 0
    for try await message in request.messages {
      total += message.payload.body.count
    }
    var response = Grpc_Testing_StreamingInputCallResponse()
    response.aggregatedPayloadSize = Int32(clamping: total)
    return ServerResponse(
      message: response,
      metadata: echo.initial,
      trailingMetadata: echo.trailing
    )
  }

  func fullDuplexCall(
    request: StreamingServerRequest<Grpc_Testing_StreamingOutputCallRequest>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Grpc_Testing_StreamingOutputCallResponse> {
    let echo = EchoedMetadata(request.metadata)
    return StreamingServerResponse(metadata: echo.initial) { writer in
      // Each request is answered as soon as it arrives, before the next one is read.
      for try await message in request.messages {
        try await Self.respond(to: message, with: writer)
      }
      return echo.trailing
    }
  }

  func halfDuplexCall(
    request: StreamingServerRequest<Grpc_Testing_StreamingOutputCallRequest>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Grpc_Testing_StreamingOutputCallResponse> {
    let echo = EchoedMetadata(request.metadata)
    return StreamingServerResponse(metadata: echo.initial) { writer in
      // Nothing is answered until the client half-closes.
      var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
      for try await message in request.messages {
        buffered.append(message)
      }
      for message in buffered {
        try await Self.respond(to: message, with: writer)
      }
      return echo.trailing
    }
  }

  func unimplementedCall(
    request: ServerRequest<Grpc_Testing_Empty>,
    context: ServerContext
  ) async throws -> ServerResponse<Grpc_Testing_Empty> {
    // Never routed (see `TestService`); answers like the router would if it ever were.
    throw RPCError(code: .unimplemented, message: "grpc.testing.TestService/UnimplementedCall")
  }

  /// Writes one response per `ResponseParameters` of `request`, sleeping `interval_us` before
  /// each, then ends the RPC with the request's `response_status` if it carries one.
  private static func respond(
    to request: Grpc_Testing_StreamingOutputCallRequest,
    with writer: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>
  ) async throws {
    // Echo Status: the stream ends with the requested status and later requests are not read.
    if request.hasResponseStatus, let error = RPCError(echoing: request.responseStatus) {
      throw error
    }
    for (index, parameters) in request.responseParameters.enumerated() {
      guard parameters.size >= 0 else {
        throw RPCError(
          code: .invalidArgument,
          message: "response_parameters[\(index)].size must not be negative, got \(parameters.size)"
        )
      }
      if parameters.intervalUs > 0 {
        try await Task.sleep(for: .microseconds(Int(parameters.intervalUs)))
      }
      var response = Grpc_Testing_StreamingOutputCallResponse()
      response.payload = .zeros(count: Int(parameters.size))
      try await writer.write(response)
    }
  }
}
