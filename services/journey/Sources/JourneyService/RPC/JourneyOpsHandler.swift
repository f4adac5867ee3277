import GRPCCore
import MAACContracts

/// Server skeleton of `maac.journey.v1.JourneyOps`: every method answers UNIMPLEMENTED until the journey issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct JourneyOpsHandler: Maac_Journey_V1_JourneyOps.SimpleServiceProtocol {
  public init() {}

  public func retryErroredProgress(
    request: Maac_Journey_V1_RetryErroredProgressRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_RetryResult {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyOps.Method.RetryErroredProgress.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
