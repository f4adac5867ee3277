import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.CdhEvents`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct CdhEventsHandler: Maac_Cdh_V1_CdhEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
