import GRPCCore
import Logging

/// Gives every error a handler throws a precise status: RPC errors and
/// `RPCErrorConvertible` errors pass through, the registered ``ErrorTranslator``s map the
/// rest, and anything left is INTERNAL with the request id (the details go to the log only,
/// never to the caller). Every error answer carries the caller's request id (`x-request-id`).
public struct ErrorMappingInterceptor: ServerInterceptor {
  private let translators: [any ErrorTranslator]
  private let logger: Logger

  public init(translators: [any ErrorTranslator], logger: Logger) {
    self.translators = translators
    self.logger = logger
  }

  /// The status for `error`.
  public func rpcError(for error: any Error, method: MethodDescriptor) -> RPCError {
    if let error = error as? RPCError { return error }
    if let error = error as? any RPCErrorConvertible { return RPCError(error) }
    if error is CancellationError {
      return RPCError(code: .cancelled, message: "the call was cancelled")
    }
    for translator in translators {
      if let translated = translator.rpcError(for: error) { return translated }
    }
    let requestID = CallerContext.current?.requestID ?? "none"
    logger.error(
      "unhandled error",
      metadata: [
        "method": "\(method)", "request_id": "\(requestID)",
        "error": "\(String(reflecting: error))",
      ]
    )
    return RPCError(code: .internalError, message: "internal error (request id \(requestID))")
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
      StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    var response: StreamingServerResponse<Output>
    do {
      response = try await next(request, context)
    } catch {
      return StreamingServerResponse(
        error: rpcError(for: error, method: context.descriptor).carryingRequestID())
    }
    if case .failure(let error) = response.accepted {
      response.accepted = .failure(error.carryingRequestID())
    }
    if case .success(var contents) = response.accepted {
      let producer = contents.producer
      let method = context.descriptor
      contents.producer = { writer in
        do {
          return try await producer(writer)
        } catch {
          throw self.rpcError(for: error, method: method).carryingRequestID()
        }
      }
      response.accepted = .success(contents)
    }
    return response
  }
}
