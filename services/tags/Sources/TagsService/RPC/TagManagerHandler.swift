import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf
import TagsDomain

/// `maac.tags.v1.TagManagerService`: thin RPC layer over the domain rules and the stores.
struct TagManagerHandler: Maac_Tags_V1_TagManagerService.SimpleServiceProtocol {
  let pool: PostgresPool
  let definitions: TagDefinitionStore
  let associations: AssociationStore
  let jobs: BulkJobStore
  let cleaner: DeletedTagCleaner
  /// Bulk-job filters through segment when configured (T16).
  let segments: SegmentTargets
  /// Existence of contacts the copy has not seen (T8).
  let directory: ContactDirectory
  /// Clean-up and coverage jobs (T14, T21).
  var tagJobs = TagJobStore()

  /// The caller's organization (T27): from metadata, never from the body.
  static func organization() throws -> Int64 { try CallerContext.requiredOrganizationID() }

  /// Service callers (`system:<service>`) may backdate applications (T8).
  static var callerIsService: Bool { CallerContext.current?.userID.hasPrefix("system:") ?? false }

  static func key(
    _ id: Int64, _ source: Maac_Common_V1_TagSource = .unspecified, field: String = "tag_id"
  )
    throws(TagRuleViolation) -> TagKey
  {
    guard id > 0 else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_TAG_ID", field: field,
        message: "\(field): must be a positive id")
    }
    return TagKey(id: id, source: ProtoMapping.source(source))
  }

  // MARK: Definitions

  func createTag(request: Maac_Tags_V1_CreateTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    let organizationID = try Self.organization()
    let now = Date()
    let name = try TagName(validating: request.name)
    let createdVia = try TagNamePolicy.creationSource(
      for: ProtoMapping.createdVia(request.createdVia))
    let expiry = request.hasExpiry ? try ProtoMapping.expiry(request.expiry, now: now) : .none
    let record = try await definitions.create(
      name: name, organizationID: organizationID, createdVia: createdVia,
      detail: ProtoMapping.taggedVia(request.createdViaDetail),
      ref: ProtoMapping.ref(request.createdByRef, has: request.hasCreatedByRef), expiry: expiry)
    return record.wire(at: now)
  }

  func getTag(request: Maac_Tags_V1_GetTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    let organizationID = try Self.organization()
    let key = try Self.key(request.tagID, request.tagSource)
    let record = try await pool.withConnection { connection in
      try await definitions.fetch(key, organizationID: organizationID, on: connection)
    }
    guard let record, request.includeDeleted || record.definition.deletedAt == nil else {
      throw TagDefinition.notFound(key)
    }
    return record.wire(at: Date())
  }

  func batchGetTags(request: Maac_Tags_V1_BatchGetTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_BatchGetTagsResponse
  {
    let organizationID = try Self.organization()
    try TagLimits.requireCount(
      request.tagIds.count, field: "tag_ids", maximum: TagLimits.idsPerBatch,
      tooManyReason: "TOO_MANY_IDS")
    let keys = request.tagIds.map { TagKey(id: $0, source: ProtoMapping.source(request.tagSource)) }
    let found = try await pool.withConnection { connection in
      try await definitions.fetch(
        keys, organizationID: organizationID, includeDeleted: request.includeDeleted, on: connection
      )
    }
    let now = Date()
    var response = Maac_Tags_V1_BatchGetTagsResponse()
    for key in keys {
      if let record = found[key] {
        response.tags.append(record.wire(at: now))
      } else {
        response.missingIds.append(key.id)
      }
    }
    return response
  }

  func listTags(request: Maac_Tags_V1_ListTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_ListTagsResponse
  {
    let organizationID = try Self.organization()
    let pageSize = try TagLimits.pageSize(Int(request.pageSize))
    let key: TagSortKey
    switch request.sortBy {
    case .unspecified, .memberCount: key = .memberCount
    case .createdAt: key = .createdAt
    case .name: key = .name
    case .updatedAt: key = .updatedAt
    case .UNRECOGNIZED(let value):
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_SORT", field: "sort_by",
        message: "sort_by: unknown value \"\(value)\"")
    }
    guard request.status == .unspecified || request.status == .active || request.status == .expired
    else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_STATUS", field: "status",
        message: "status: must be active or expired (deleted tags are not listed)")
    }
    let query = TagListQuery(
      source: request.hasSource ? ProtoMapping.source(request.source) : nil,
      createdVia: request.hasCreatedVia ? ProtoMapping.createdVia(request.createdVia) : nil,
      nameQuery: request.hasNameQuery && !request.nameQuery.isEmpty ? request.nameQuery : nil,
      expiredOnly: request.status == .expired,
      order: TagListOrder(key: key, direction: request.sortOrder == .asc ? .ascending : .descending)
    )
    let token = try PageToken<TagListPosition>.decode(request.pageToken, query: query.fingerprint)
    let page = try await pool.withConnection { connection in
      try await query.run(
        organizationID: organizationID, after: token?.position, pageSize: pageSize, on: connection)
    }
    let now = Date()
    var response = Maac_Tags_V1_ListTagsResponse()
    response.tags = page.records.map { $0.wire(at: now) }
    response.totalCount = page.total
    response.nextPageToken =
      page.next.map { PageToken(query: query.fingerprint, position: $0).encoded } ?? ""
    return response
  }

  func updateTag(request: Maac_Tags_V1_UpdateTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_Tag
  {
    let organizationID = try Self.organization()
    let key = try Self.key(request.tagID, request.tagSource)
    let now = Date()
    let name = request.hasName ? try TagName(validating: request.name) : nil
    let expiry = request.hasExpiry ? try ProtoMapping.expiry(request.expiry, now: now) : nil
    let record = try await definitions.update(
      key, organizationID: organizationID, name: name, expiry: expiry,
      expectedVersion: request.hasExpectedVersion ? request.expectedVersion : nil)
    return record.wire(at: now)
  }

  func deleteTag(request: Maac_Tags_V1_DeleteTagRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_DeleteTagResponse
  {
    let organizationID = try Self.organization()
    let key = try Self.key(request.tagID, request.tagSource)
    let (record, _, jobID) = try await definitions.delete(key, organizationID: organizationID)
    var response = Maac_Tags_V1_DeleteTagResponse()
    response.tag = record.wire(at: Date())
    // The detachment runs in DeletedTagCleaner under this job (T14); a re-delete answers the
    // job of the first deletion.
    response.jobID = jobID
    return response
  }

  func batchDeleteTags(request: Maac_Tags_V1_BatchDeleteTagsRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_BatchDeleteTagsResponse
  {
    let organizationID = try Self.organization()
    try TagLimits.requireCount(
      request.tagIds.count, field: "tag_ids", maximum: TagLimits.idsPerBatch,
      tooManyReason: "TOO_MANY_IDS")
    var response = Maac_Tags_V1_BatchDeleteTagsResponse()
    try await pool.withTransaction { connection in
      // One clean-up job for every tag this call deletes (the response has one job_id).
      var job: Int64?
      for id in request.tagIds {
        var result = Maac_Tags_V1_TagDeleteResult()
        result.tagID = id
        do {
          let (_, already, jobID) = try await definitions.delete(
            TagKey(id: id, source: ProtoMapping.source(request.tagSource)),
            organizationID: organizationID, job: job, on: connection)
          if !already, job == nil { job = jobID }
          result.outcome = already ? .alreadyDeleted : .deleted
        } catch let violation as TagRuleViolation {
          result.outcome = violation.kind == .notFound ? .notFound : .managedByOtherSource
        }
        response.results.append(result)
      }
      // Only tags that were already deleted: their (first) job.
      if job == nil, let first = response.results.first(where: { $0.outcome == .alreadyDeleted }) {
        job = try await definitions.delete(
          TagKey(id: first.tagID, source: ProtoMapping.source(request.tagSource)),
          organizationID: organizationID, job: nil, on: connection
        ).jobID
      }
      response.jobID = job ?? 0
    }
    return response
  }

  func ensureTags(request: Maac_Tags_V1_EnsureTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_EnsureTagsResponse
  {
    let organizationID = try Self.organization()
    let plan = try EnsureTagsPlan(names: request.names)
    let createdVia = try TagNamePolicy.creationSource(
      for: ProtoMapping.createdVia(request.createdVia))
    let (ensured, refused) = try await definitions.ensure(
      names: plan.distinctValidNames, organizationID: organizationID, createdVia: createdVia,
      detail: ProtoMapping.taggedVia(request.createdViaDetail),
      ref: ProtoMapping.ref(request.createdByRef, has: request.hasCreatedByRef))
    let now = Date()
    var reported = Set<TagName>()
    var response = Maac_Tags_V1_EnsureTagsResponse()
    for item in plan.items {
      var result = Maac_Tags_V1_EnsureTagResult()
      result.inputName = item.inputName
      result.normalizedName = item.normalizedName
      if let name = item.name, let (record, created) = ensured[name] {
        // A name repeated in one request is created once; later repeats read "existing".
        result.outcome = created && reported.insert(name).inserted ? .created : .existing
        result.tag = record.wire(at: now)
      } else {
        result.outcome = .invalid
        result.errorReason =
          item.violation?.reason ?? item.name.flatMap { refused[$0] } ?? "TAG_NAME_INVALID_CHARS"
      }
      response.results.append(result)
    }
    return response
  }
}
