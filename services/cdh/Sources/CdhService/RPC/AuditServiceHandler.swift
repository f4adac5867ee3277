import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.AuditService`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AuditServiceHandler: Maac_Cdh_V1_AuditService.SimpleServiceProtocol {
  public init() {}

  public func queryAuditLog(request: Maac_Cdh_V1_QueryAuditLogRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_QueryAuditLogResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_AuditService.Method.QueryAuditLog.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
