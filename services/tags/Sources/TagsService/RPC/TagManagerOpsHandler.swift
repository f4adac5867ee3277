import GRPCCore
import MAACContracts

/// Server skeleton of `maac.tags.v1.TagManagerOps`: every method answers UNIMPLEMENTED until the tags issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct TagManagerOpsHandler: Maac_Tags_V1_TagManagerOps.SimpleServiceProtocol {
  public init() {}

  public func recomputeTagCoverage(
    request: Maac_Tags_V1_RecomputeTagCoverageRequest, context: ServerContext
  ) async throws -> Maac_Tags_V1_RecomputeTagCoverageResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerOps.Method.RecomputeTagCoverage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func runExpirySweep(request: Maac_Tags_V1_RunExpirySweepRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_RunExpirySweepResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerOps.Method.RunExpirySweep.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
