import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.AuditService` (U44): support queries of the audit log.
public struct AuditServiceHandler: Maac_Cdh_V1_AuditService.SimpleServiceProtocol {
  let runtime: CDHRuntime?

  public init(runtime: CDHRuntime? = nil) { self.runtime = runtime }

  public func queryAuditLog(request: Maac_Cdh_V1_QueryAuditLogRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_QueryAuditLogResponse
  {
    let caller = try HandlerSupport.caller()
    guard
      HandlerSupport.isService(caller.context) || caller.context.hasRole("org_admin")
        || caller.context.hasRole("platform_admin")
    else { throw ServiceError.permissionDenied("role org_admin required") }
    let runtime = try HandlerSupport.runtime(runtime)
    return try await runtime.queryAudit(request, caller: caller.org)
  }
}
