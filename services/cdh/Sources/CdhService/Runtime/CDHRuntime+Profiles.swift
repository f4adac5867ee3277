import CDHDomain
import MAACContracts
import ServiceKit

extension CDHRuntime {
  func scopePending(_ scopeID: Int64) async throws -> Bool {
    let rows = try await pool.query(
      "SELECT 1 AS one FROM reunify_job WHERE unify_scope_id = \(scopeID) AND status IN ('pending', 'running') LIMIT 1"
    )
    return !rows.isEmpty
  }

  func profile(of member: MemberRef, caller: OrgRef) throws -> ProfileState {
    _ = try visibleMember(member, caller: caller)
    guard let profile = engine.profile(of: member) else {
      throw ServiceError(.notFound, "member not found", field: "member")
    }
    return profile
  }

  func mergedProfile(of member: MemberRef, caller: OrgRef) async throws -> Maac_Cdh_V1_MergedProfile
  {
    let profile = try profile(of: member, caller: caller)
    let pending = try await scopePending(profile.scopeID)
    return HandlerSupport.mergedProfile(profile, viewer: member, engine: engine, pending: pending)
  }

  func mergedProfile(id: Int64, caller: OrgRef) async throws -> Maac_Cdh_V1_MergedProfile {
    // U17: a retired id follows merged_into; another org's profile is not found.
    guard let profile = engine.profile(id: id),
      engine.scopes[profile.scopeID]?.orgs.contains(caller) == true
    else { throw ServiceError(.notFound, "profile not found", field: "profile_id") }
    let pending = try await scopePending(profile.scopeID)
    return HandlerSupport.mergedProfile(profile, viewer: nil, engine: engine, pending: pending)
  }

  func updateProfile(
    member: MemberRef, updates: [ProfileFieldUpdate], caller: OrgRef, actor: Actor,
    requestID: String
  ) async throws -> Maac_Cdh_V1_MergedProfile {
    // Validate before looking the member up, so bad input is INVALID_ARGUMENT (§7).
    let country = engine.liveEntity(member).map { engine.country(of: $0.org) } ?? "TW"
    _ = try HandlerSupport.domain { () throws(DomainError) in
      try UnificationEngine.validateUpdates(updates, country: country)
    }
    _ = try visibleMember(member, caller: caller)
    _ = try await perform { engine, now in
      (
        (),
        try engine.updateProfile(
          member: member, updates: updates, actor: actor, correlationID: requestID, now: now), []
      )
    }
    return try await mergedProfile(of: member, caller: caller)
  }

  func unmerge(member: MemberRef, caller: OrgRef, actor: Actor, requestID: String) async throws
    -> UnificationEngine.UnmergeOutcome
  {
    _ = try visibleMember(member, caller: caller)
    return try await perform { engine, now in
      let (outcome, changes) = try engine.unmerge(
        member: member, actor: actor, correlationID: requestID, now: now)
      return (outcome, changes, [])
    }
  }
}
