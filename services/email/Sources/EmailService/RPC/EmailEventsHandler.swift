import GRPCCore
import MAACContracts

/// Server skeleton of `maac.email.v1.EmailEvents`: every method answers UNIMPLEMENTED until the email issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct EmailEventsHandler: Maac_Email_V1_EmailEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
