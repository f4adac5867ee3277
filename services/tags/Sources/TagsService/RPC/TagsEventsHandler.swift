import GRPCCore
import MAACContracts

/// Server skeleton of `maac.tags.v1.TagsEvents`: every method answers UNIMPLEMENTED until the tags issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct TagsEventsHandler: Maac_Tags_V1_TagsEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagsEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
