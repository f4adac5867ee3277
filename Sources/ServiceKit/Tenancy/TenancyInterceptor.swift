import GRPCCore

/// Refuses calls that lack the caller metadata their method needs (UNAUTHENTICATED) and
/// binds the parsed ``CallerContext`` to ``CallerContext/current`` for the whole call,
/// including the body of streaming responses, which runs after this returns.
public struct TenancyInterceptor: ServerInterceptor {
  private let policy: TenancyPolicy

  public init(policy: TenancyPolicy) {
    self.policy = policy
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
      StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let requirement = policy.requirement(for: context.descriptor)
    if requirement == .none {
      return try await next(request, context)
    }
    let caller: CallerContext
    do {
      caller = try CallerContext(
        metadata: request.metadata,
        organizationRequired: requirement == .organization
      )
    } catch {
      return StreamingServerResponse(error: error)
    }
    var response = try await CallerContext.$current.withValue(caller) {
      try await next(request, context)
    }
    if case .success(var contents) = response.accepted {
      let producer = contents.producer
      contents.producer = { writer in
        try await CallerContext.$current.withValue(caller) { try await producer(writer) }
      }
      contents.metadata.replaceOrAddString(caller.requestID, forKey: CallerMetadataKey.requestID)
      response.accepted = .success(contents)
    }
    return response
  }
}
