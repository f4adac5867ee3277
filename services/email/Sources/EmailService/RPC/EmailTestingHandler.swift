import GRPCCore
import MAACContracts

/// Server skeleton of `maac.email.v1.EmailTesting`: every method answers UNIMPLEMENTED until the email issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct EmailTestingHandler: Maac_Email_V1_EmailTesting.SimpleServiceProtocol {
  public init() {}

  public func runDispatcher(request: Maac_Email_V1_RunDispatcherRequest, context: ServerContext)
    async throws -> Maac_Email_V1_RunDispatcherResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailTesting.Method.RunDispatcher.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func advanceClock(request: Maac_Email_V1_AdvanceClockRequest, context: ServerContext)
    async throws -> Maac_Email_V1_AdvanceClockResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailTesting.Method.AdvanceClock.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
