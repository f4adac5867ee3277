import CDHDomain
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.UnifySettingsService` (U1–U7, U20).
public struct UnifySettingsServiceHandler: Maac_Cdh_V1_UnifySettingsService.SimpleServiceProtocol {
  let runtime: CDHRuntime?

  public init(runtime: CDHRuntime? = nil) { self.runtime = runtime }

  public func getUnifySettings(request: Maac_Cdh_V1_GetUnifySettingsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let scopeID = try await runtime.resolveScope(request.unifyScopeID, caller: caller.org)
    return await runtime.read { engine in
      HandlerSupport.settings(engine.scopes[scopeID]!, engine: engine)
    }
  }

  public func updateUnifyKeys(request: Maac_Cdh_V1_UpdateUnifyKeysRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UpdateUnifyKeysResponse
  {
    let caller = try HandlerSupport.caller()
    try HandlerSupport.requireSettingsWriter(caller.context)
    let runtime = try HandlerSupport.runtime(runtime)
    let (update, jobID) = try await runtime.updateKeys(
      caller: caller.org, scopeID: request.unifyScopeID,
      keys: ContractMapping.requestedKeys(request.unifyKeys),
      expectedVersion: request.expectedSettingsVersion, actor: caller.actor)
    let scope = update.scope
    return await runtime.read { engine in
      .with {
        $0.settings = HandlerSupport.settings(scope, engine: engine)
        $0.changed = update.changed
        $0.jobID = jobID
      }
    }
  }

  public func getMergeState(request: Maac_Cdh_V1_GetMergeStateRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergeState
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let scopeID = try await runtime.resolveScope(request.unifyScopeID, caller: caller.org)
    let state = MergeState(scopeID: scopeID, jobs: try await runtime.jobs(scopeID: scopeID))
    return .with {
      $0.unifyScopeID = scopeID
      $0.isFinished = state.isFinished
      if let job = state.latestJob { $0.job = HandlerSupport.job(job) }
    }
  }

  public func connectOrgs(request: Maac_Cdh_V1_ConnectOrgsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    let caller = try HandlerSupport.caller()
    try HandlerSupport.requireSettingsWriter(caller.context)
    let runtime = try HandlerSupport.runtime(runtime)
    let keys: UnifyKeySet? =
      request.unifyKeys.isEmpty
      ? nil
      : try HandlerSupport.domain { () throws(DomainError) in
        try UnifyKeySet.validate(ContractMapping.requestedKeys(request.unifyKeys))
      }
    let org = caller.org
    let actor = caller.actor
    _ = try await runtime.changeScopes(caller: org, trigger: .scopeChange, actor: actor) {
      engine, now throws(DomainError) in
      try engine.connect(org: org, keys: keys, actor: actor, now: now)
    }
    return await runtime.read { engine in
      HandlerSupport.settings(engine.scope(of: org)!, engine: engine)
    }
  }

  public func disconnectScope(request: Maac_Cdh_V1_DisconnectScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_DisconnectScopeResponse
  {
    let caller = try HandlerSupport.caller()
    try HandlerSupport.requireSettingsWriter(caller.context)
    let runtime = try HandlerSupport.runtime(runtime)
    let scopeID = try await runtime.resolveScope(request.unifyScopeID, caller: caller.org)
    let actor = caller.actor
    let affected = try await runtime.changeScopes(
      caller: caller.org, trigger: .disconnect, actor: actor
    ) {
      engine, now throws(DomainError) in
      try engine.disconnect(scopeID: scopeID, actor: actor, now: now)
    }
    return await runtime.read { engine in
      .with {
        $0.scopes = affected.dropFirst().compactMap { engine.scopes[$0] }.map {
          HandlerSupport.settings($0, engine: engine)
        }
      }
    }
  }

  public func listScopeOrgs(request: Maac_Cdh_V1_ListScopeOrgsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ListScopeOrgsResponse
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let requested = request.orgUuid
    if !requested.isEmpty && (requested.count > 64 || requested.contains(where: \.isWhitespace)) {
      throw ServiceError.invalidArgument(field: "org_uuid", "malformed org_uuid")
    }
    return await runtime.read { engine in
      let uuid = requested.isEmpty ? engine.orgs[caller.org]?.orgUUID ?? "" : requested
      let orgs =
        uuid.isEmpty
        ? [] : engine.orgs.values.filter { $0.orgUUID == uuid }.sorted { $0.org < $1.org }
      return .with {
        $0.orgs = orgs.map { info in
          .with {
            $0.orgID = info.org.orgID
            $0.source = ContractMapping.tagSource(info.org.source)
            $0.name = info.name ?? ""
            $0.orgUuid = info.orgUUID ?? ""
          }
        }
      }
    }
  }
}
