import GRPCCore
import MAACContracts

/// Server skeleton of `maac.admin.v1.AdminEvents`: every method answers UNIMPLEMENTED until the admin issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AdminEventsHandler: Maac_Admin_V1_AdminEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
