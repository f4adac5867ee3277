import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.ProfileService`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ProfileServiceHandler: Maac_Cdh_V1_ProfileService.SimpleServiceProtocol {
  public init() {}

  public func getMergedProfile(request: Maac_Cdh_V1_GetMergedProfileRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergedProfile
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.GetMergedProfile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listUnifiedMembers(
    request: Maac_Cdh_V1_ListUnifiedMembersRequest, context: ServerContext
  ) async throws -> Maac_Cdh_V1_ListUnifiedMembersResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.ListUnifiedMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func batchGetUnifiedMembers(
    request: Maac_Cdh_V1_BatchGetUnifiedMembersRequest, context: ServerContext
  ) async throws -> Maac_Cdh_V1_BatchGetUnifiedMembersResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.BatchGetUnifiedMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateProfile(request: Maac_Cdh_V1_UpdateProfileRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergedProfile
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.UpdateProfile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func unmergeMember(request: Maac_Cdh_V1_UnmergeMemberRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnmergeMemberResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.UnmergeMember.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getProfileTags(request: Maac_Cdh_V1_GetProfileTagsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_GetProfileTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ProfileService.Method.GetProfileTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
