import GRPCCore

/// Counts every call by method and final status and records its latency in ``RPCMetrics``.
///
/// A streaming response is measured until its last message and trailers, not until the
/// handler first returns.
public struct MetricsInterceptor: ServerInterceptor {
  private let metrics: RPCMetrics

  public init(metrics: RPCMetrics) {
    self.metrics = metrics
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
      StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let method = context.descriptor.description
    let start = ContinuousClock.now
    let metrics = self.metrics
    var response: StreamingServerResponse<Output>
    do {
      response = try await next(request, context)
    } catch {
      metrics.record(method: method, code: Self.codeName(of: error), duration: .now - start)
      throw error
    }
    switch response.accepted {
    case .failure(let error):
      metrics.record(method: method, code: Self.codeName(error.code), duration: .now - start)
    case .success(var contents):
      let producer = contents.producer
      contents.producer = { writer in
        do {
          let trailers = try await producer(writer)
          metrics.record(method: method, code: "ok", duration: .now - start)
          return trailers
        } catch {
          metrics.record(method: method, code: Self.codeName(of: error), duration: .now - start)
          throw error
        }
      }
      response.accepted = .success(contents)
    }
    return response
  }

  static func codeName(of error: any Error) -> String {
    if let error = error as? RPCError { return codeName(error.code) }
    if let error = error as? any RPCErrorConvertible { return codeName(error.rpcErrorCode) }
    return "unknown"
  }

  /// The gRPC status name in snake case, as Prometheus labels conventionally are.
  static func codeName(_ code: RPCError.Code) -> String {
    switch code {
    case .cancelled: "cancelled"
    case .unknown: "unknown"
    case .invalidArgument: "invalid_argument"
    case .deadlineExceeded: "deadline_exceeded"
    case .notFound: "not_found"
    case .alreadyExists: "already_exists"
    case .permissionDenied: "permission_denied"
    case .resourceExhausted: "resource_exhausted"
    case .failedPrecondition: "failed_precondition"
    case .aborted: "aborted"
    case .outOfRange: "out_of_range"
    case .unimplemented: "unimplemented"
    case .internalError: "internal"
    case .unavailable: "unavailable"
    case .dataLoss: "data_loss"
    case .unauthenticated: "unauthenticated"
    default: "unknown"
    }
  }
}
