import CDHDomain
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.CdhOps`: platform-admin operations (U6, U18).
public struct CdhOpsHandler: Maac_Cdh_V1_CdhOps.SimpleServiceProtocol {
  let runtime: CDHRuntime?

  public init(runtime: CDHRuntime? = nil) { self.runtime = runtime }

  public func moveOrgsToScope(request: Maac_Cdh_V1_MoveOrgsToScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    let caller = try CallerContext.required()
    try HandlerSupport.requirePlatformAdmin(caller)
    let runtime = try HandlerSupport.runtime(runtime)
    guard !request.orgs.isEmpty else {
      throw ServiceError.invalidArgument(field: "orgs", "orgs must not be empty")
    }
    var orgs: [OrgRef] = []
    for (index, org) in request.orgs.enumerated() {
      guard let source = ContractMapping.source(org.source) else {
        throw ServiceError.invalidArgument(field: "orgs[\(index)].source", "invalid source")
      }
      guard org.orgID > 0 else {
        throw ServiceError.invalidArgument(
          field: "orgs[\(index)].org_id", "org_id must be positive")
      }
      orgs.append(OrgRef(org.orgID, source))
    }
    let keys: UnifyKeySet? =
      request.setKeys
      ? try HandlerSupport.domain { () throws(DomainError) in
        try UnifyKeySet.validate(ContractMapping.requestedKeys(request.unifyKeys))
      } : nil
    let scopeID = request.unifyScopeID
    let actor = HandlerSupport.actor(caller)
    let moving = orgs
    _ = try await runtime.changeScopes(caller: moving[0], trigger: .scopeChange, actor: actor) {
      engine, now throws(DomainError) in
      try engine.moveOrgs(moving, into: scopeID, keys: keys, actor: actor, now: now)
    }
    return await runtime.read { engine in
      HandlerSupport.settings(engine.scopes[scopeID]!, engine: engine)
    }
  }

  public func resyncScope(request: Maac_Cdh_V1_ResyncScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ReunifyJob
  {
    let caller = try CallerContext.required()
    try HandlerSupport.requirePlatformAdmin(caller)
    let runtime = try HandlerSupport.runtime(runtime)
    let jobID = try await runtime.resync(
      scopeID: request.unifyScopeID, broadcastAll: request.broadcastAll,
      organizationID: caller.organizationID ?? 0)
    let jobs = try await runtime.jobs(scopeID: request.unifyScopeID)
    guard let job = jobs.first(where: { $0.id == jobID }) else {
      throw ServiceError(.internal, "job \(jobID) vanished")
    }
    return HandlerSupport.job(job)
  }
}
