import CDHDomain
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.ProfileService` (U17, U21–U38).
public struct ProfileServiceHandler: Maac_Cdh_V1_ProfileService.SimpleServiceProtocol {
  let runtime: CDHRuntime?

  public init(runtime: CDHRuntime? = nil) { self.runtime = runtime }

  public func getMergedProfile(request: Maac_Cdh_V1_GetMergedProfileRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergedProfile
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    switch request.key {
    case .member(let ref):
      let member = try HandlerSupport.domain { () throws(DomainError) in
        try ContractMapping.member(ref)
      }
      return try await runtime.mergedProfile(of: member, caller: caller.org)
    case .profileID(let id):
      guard id > 0 else {
        throw ServiceError.invalidArgument(field: "profile_id", "invalid profile_id")
      }
      return try await runtime.mergedProfile(id: id, caller: caller.org)
    case nil:
      throw ServiceError.invalidArgument(field: "key", "member or profile_id is required")
    }
  }

  public func listUnifiedMembers(
    request: Maac_Cdh_V1_ListUnifiedMembersRequest, context: ServerContext
  ) async throws -> Maac_Cdh_V1_ListUnifiedMembersResponse {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let member = try HandlerSupport.domain { () throws(DomainError) in
      try ContractMapping.member(request.member)
    }
    let profile = try await runtime.profile(of: member, caller: caller.org)
    return .with {
      $0.profileID = profile.id
      $0.members = profile.members.map(ContractMapping.memberRef)
    }
  }

  public func batchGetUnifiedMembers(
    request: Maac_Cdh_V1_BatchGetUnifiedMembersRequest, context: ServerContext
  ) async throws -> Maac_Cdh_V1_BatchGetUnifiedMembersResponse {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    guard let source = ContractMapping.source(request.source) else {
      throw ServiceError.invalidArgument(field: "source", "invalid source")
    }
    guard !request.memberIds.isEmpty else {
      throw ServiceError.invalidArgument(field: "member_ids", "member_ids must not be empty")
    }
    guard request.memberIds.count <= 500 else {
      throw ServiceError.invalidArgument(field: "member_ids", "too many member_ids (max 500)")
    }
    let ids = request.memberIds
    let lists = await runtime.read { engine in
      var result: [Int64: (Int64, [MemberRef])] = [:]
      for id in ids {
        guard let entity = engine.liveEntity(MemberRef(source, id)),
          engine.scopes[entity.scopeID]?.orgs.contains(caller.org) == true,
          let profile = engine.profile(of: entity.member)
        else { continue }
        result[id] = (profile.id, profile.members)
      }
      return result
    }
    return .with {
      for (id, (profileID, members)) in lists {
        $0.members[id] = .with {
          $0.profileID = profileID
          $0.members = members.map(ContractMapping.memberRef)
        }
      }
    }
  }

  public func updateProfile(request: Maac_Cdh_V1_UpdateProfileRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergedProfile
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let member = try HandlerSupport.domain { () throws(DomainError) in
      try ContractMapping.member(request.member)
    }
    return try await runtime.updateProfile(
      member: member, updates: ContractMapping.fieldUpdates(request.updates), caller: caller.org,
      actor: caller.actor, requestID: caller.context.requestID)
  }

  public func unmergeMember(request: Maac_Cdh_V1_UnmergeMemberRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnmergeMemberResponse
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let member = try HandlerSupport.domain { () throws(DomainError) in
      try ContractMapping.member(request.member)
    }
    let outcome = try await runtime.unmerge(
      member: member, caller: caller.org, actor: caller.actor, requestID: caller.context.requestID)
    return .with {
      $0.clearedAttributes = outcome.clearedAttributes.map(ContractMapping.attribute)
      $0.profileID = outcome.profileID
      $0.membersAfter = outcome.membersAfter.map(ContractMapping.memberRef)
      $0.stillUnified = outcome.stillUnified
    }
  }

  public func getProfileTags(request: Maac_Cdh_V1_GetProfileTagsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_GetProfileTagsResponse
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let member = try HandlerSupport.domain { () throws(DomainError) in
      try ContractMapping.member(request.member)
    }
    _ = try await runtime.profile(of: member, caller: caller.org)
    let include = request.includeDetached
    let tags = await runtime.read { $0.profileTags(of: member, includeDetached: include) ?? [] }
    return .with { $0.tags = tags.map(HandlerSupport.tag) }
  }
}
