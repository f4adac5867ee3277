import GRPCCore
import MAACContracts

/// Server skeleton of `maac.journey.v1.JourneyEvents`: every method answers UNIMPLEMENTED until the journey issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct JourneyEventsHandler: Maac_Journey_V1_JourneyEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
