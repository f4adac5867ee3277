import GRPCCore
import MAACContracts

/// Server skeleton of `maac.tags.v1.TagManagerService`: every method answers UNIMPLEMENTED until the tags issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct TagManagerServiceHandler: Maac_Tags_V1_TagManagerService.SimpleServiceProtocol {
  public init() {}

  public func createTag(request: Maac_Tags_V1_CreateTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.CreateTag.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getTag(request: Maac_Tags_V1_GetTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.GetTag.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func batchGetTags(request: Maac_Tags_V1_BatchGetTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_BatchGetTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.BatchGetTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listTags(request: Maac_Tags_V1_ListTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_ListTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.ListTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateTag(request: Maac_Tags_V1_UpdateTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.UpdateTag.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteTag(request: Maac_Tags_V1_DeleteTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_DeleteTagResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.DeleteTag.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func batchDeleteTags(request: Maac_Tags_V1_BatchDeleteTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_BatchDeleteTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.BatchDeleteTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func ensureTags(request: Maac_Tags_V1_EnsureTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_EnsureTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.EnsureTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func attachTags(request: Maac_Tags_V1_AttachTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_AttachTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.AttachTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func detachTags(request: Maac_Tags_V1_DetachTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_DetachTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.DetachTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listContactTags(request: Maac_Tags_V1_ListContactTagsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_ListContactTagsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.ListContactTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func batchListContactTags(
    request: Maac_Tags_V1_BatchListContactTagsRequest, context: ServerContext
  ) async throws -> Maac_Tags_V1_BatchListContactTagsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.BatchListContactTags.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listTagMembers(request: Maac_Tags_V1_ListTagMembersRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_ListTagMembersResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.ListTagMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func streamTagMembers(
    request: Maac_Tags_V1_StreamTagMembersRequest, response: RPCWriter<Maac_Tags_V1_TagMemberBatch>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.StreamTagMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getContactTagHistory(
    request: Maac_Tags_V1_GetContactTagHistoryRequest, context: ServerContext
  ) async throws -> Maac_Tags_V1_GetContactTagHistoryResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.GetContactTagHistory.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func streamTagEvents(
    request: Maac_Tags_V1_StreamTagEventsRequest, response: RPCWriter<Maac_Tags_V1_TagEventBatch>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.StreamTagEvents.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func startBulkTagJob(request: Maac_Tags_V1_StartBulkTagJobRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_BulkTagJob
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.StartBulkTagJob.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getBulkTagJob(request: Maac_Tags_V1_GetBulkTagJobRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_BulkTagJob
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.GetBulkTagJob.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listBulkTagJobs(request: Maac_Tags_V1_ListBulkTagJobsRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_ListBulkTagJobsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.ListBulkTagJobs.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func cancelBulkTagJob(
    request: Maac_Tags_V1_CancelBulkTagJobRequest, context: ServerContext
  ) async throws -> Maac_Tags_V1_BulkTagJob {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.CancelBulkTagJob.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getTagCoverage(request: Maac_Tags_V1_GetTagCoverageRequest, context: ServerContext)
    async throws -> Maac_Tags_V1_GetTagCoverageResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerService.Method.GetTagCoverage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
