import GRPCCore

/// Runs ``OrganizationGate/admit(_:)`` for every call whose caller names an organization,
/// before the handler sees it. Runs inside ``TenancyInterceptor``, which binds the caller.
public struct KnownOrganizationInterceptor: ServerInterceptor {
  private let gate: OrganizationGate

  public init(gate: OrganizationGate) {
    self.gate = gate
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
      StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    if let organizationID = CallerContext.current?.organizationID {
      do {
        try await gate.admit(organizationID)
      } catch {
        return StreamingServerResponse(error: error)
      }
    }
    return try await next(request, context)
  }
}
