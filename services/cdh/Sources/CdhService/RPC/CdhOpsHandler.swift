import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.CdhOps`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct CdhOpsHandler: Maac_Cdh_V1_CdhOps.SimpleServiceProtocol {
  public init() {}

  public func moveOrgsToScope(request: Maac_Cdh_V1_MoveOrgsToScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_CdhOps.Method.MoveOrgsToScope.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func resyncScope(request: Maac_Cdh_V1_ResyncScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ReunifyJob
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_CdhOps.Method.ResyncScope.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
