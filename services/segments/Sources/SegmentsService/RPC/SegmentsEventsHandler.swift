import GRPCCore
import MAACContracts

/// Server skeleton of `maac.segments.v1.SegmentsEvents`: every method answers UNIMPLEMENTED until the segments issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct SegmentsEventsHandler: Maac_Segments_V1_SegmentsEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
