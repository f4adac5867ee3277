import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf
import TagsDomain

extension TagManagerHandler {
  func startBulkTagJob(request: Maac_Tags_V1_StartBulkTagJobRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_BulkTagJob
  {
    let organizationID = try Self.organization()
    let caller = try CallerContext.required()
    let now = Date()
    let action: BulkAction? =
      switch request.action {
      case .add: .add
      case .remove: .remove
      default: nil
      }
    let keys = request.tagIds.map { TagKey(id: $0, source: ProtoMapping.source(request.tagSource)) }
    var target: BulkTarget?
    switch request.target.target {
    case .contactIds(let explicit)?: target = .contactIDs(explicit.contactIds)
    case .filter(let filter)? where segments.isConfigured:
      // Segment validates at submission (its refusal is the caller's error) and evaluates
      // when the job runs (T16, B4).
      try await segments.validate(filter, organizationID: organizationID)
      target = .filter(referencedTags: TagFilter.referencedTags(in: filter.tree))
    case .filter(let filter)?:
      // Validated at submission, resolved only when the job runs (T16).
      let tree = try TagFilter.parse(filter.tree, path: "target.filter.tree")
      if !filter.channelScope.channelIds.isEmpty {
        throw TagRuleViolation(
          .failedPrecondition, reason: "FILTER_NOT_SUPPORTED", field: "target.filter.channel_scope",
          message:
            "target.filter.channel_scope: channel scopes need the segment service, which is not available"
        )
      }
      target = .filter(referencedTags: tree.referencedTags)
    case .segment(let segment)? where segments.isConfigured:
      guard segment.segmentID > 0 else {
        throw TagRuleViolation(
          .invalidArgument, reason: "INVALID_BULK_REQUEST", field: "target.segment.segment_id",
          message: "target.segment.segment_id: must be a positive id")
      }
      // Segment says at submission whether the segment exists; its members are read only
      // when the job runs (T16).
      try await segments.validate(segment: segment, organizationID: organizationID)
      target = .segment(id: segment.segmentID, refresh: segment.refresh)
    case .segment?:
      throw TagRuleViolation(
        .failedPrecondition, reason: "FILTER_NOT_SUPPORTED", field: "target.segment",
        message: "target.segment: segment targets need the segment service, which is not available")
    case nil: target = nil
    }
    let idempotencyKey = try IdempotencyPolicy.scopedKey(request.idempotencyKey, operation: "bulk")
    let record = try await pool.withTransaction { connection -> BulkJobRecord in
      if let idempotencyKey {
        let existing = try await connection.query(
          """
          SELECT convert_from(response, 'UTF8') AS job FROM idempotency_keys
          WHERE organization_id = \(organizationID) AND key = \(idempotencyKey)
            AND created_at > \(now.addingTimeInterval(-IdempotencyPolicy.window))
          """)
        if let text = try existing.first?.decode("job", as: String.self), let id = Int64(text),
          let job = try await jobs.fetch(id, organizationID: organizationID, on: connection)
        {
          return job
        }
      }
      let validated = try BulkTagJobRequest(
        action: action, tags: keys, target: target,
        queuedJobs: try await jobs.pendingCount(organizationID: organizationID, on: connection))
      let found = try await definitions.fetch(
        validated.tags, organizationID: organizationID, includeDeleted: false, on: connection)
      let missing = validated.tags.filter { found[$0] == nil }
      if !missing.isEmpty {
        let ids = missing.map { String($0.id) }.joined(separator: ",")
        throw TagRuleViolation(
          .invalidArgument, reason: "TAG_NOT_FOUND", field: "tag_ids",
          message: "tag_ids: tag \(ids) (source maac) not found", metadata: ["tag_ids": ids])
      }
      if validated.action == .add,
        let expired = validated.tags.compactMap({ found[$0] }).first(where: {
          $0.definition.expiry.tagIsExpired(at: now)
        }),
        case .absolute(let at) = expired.definition.expiry
      {
        throw TagRuleViolation(
          .failedPrecondition, reason: "TAG_EXPIRED", field: "tag_ids",
          message:
            "tag \(expired.definition.key.id) expired at \(ISO8601DateFormatter().string(from: at))"
        )
      }
      let job = try await jobs.insert(
        request: validated, target: request.target, organizationID: organizationID,
        notBefore: request.hasNotBefore ? request.notBefore.date : nil,
        previewCount: request.hasSubmittedPreviewCount ? request.submittedPreviewCount : nil,
        createdBy: caller.userID, on: connection)
      if let idempotencyKey {
        try await connection.execute(
          """
          INSERT INTO idempotency_keys (organization_id, key, response, created_at)
          VALUES (\(organizationID), \(idempotencyKey), convert_to(\(String(job.id)), 'UTF8'), \(now))
          ON CONFLICT (organization_id, key) DO UPDATE SET response = EXCLUDED.response,
            created_at = EXCLUDED.created_at
          """)
      }
      return job
    }
    return record.wire
  }

  func getBulkTagJob(request: Maac_Tags_V1_GetBulkTagJobRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_BulkTagJob
  {
    let organizationID = try Self.organization()
    let job = try await pool.withConnection { connection in
      try await jobs.fetch(request.jobID, organizationID: organizationID, on: connection)
    }
    guard let job else { throw jobs.notFound(request.jobID) }
    return job.wire
  }

  func listBulkTagJobs(request: Maac_Tags_V1_ListBulkTagJobsRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_ListBulkTagJobsResponse
  {
    let organizationID = try Self.organization()
    let pageSize = try TagLimits.pageSize(Int(request.pageSize))
    let status = ProtoMapping.bulkStatus(request.status)
    let fingerprint = "jobs|\(status?.rawValue ?? "*")"
    let before = try PageToken<Int64>.decode(request.pageToken, query: fingerprint)?.position
    let records = try await pool.withConnection { connection in
      try await jobs.list(
        organizationID: organizationID, status: status, before: before, limit: pageSize + 1,
        on: connection)
    }
    var response = Maac_Tags_V1_ListBulkTagJobsResponse()
    response.jobs = records.prefix(pageSize).map(\.wire)
    if records.count > pageSize, let last = response.jobs.last {
      response.nextPageToken = PageToken(query: fingerprint, position: last.id).encoded
    }
    return response
  }

  func cancelBulkTagJob(request: Maac_Tags_V1_CancelBulkTagJobRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_BulkTagJob
  {
    let organizationID = try Self.organization()
    let job = try await pool.withTransaction { connection -> BulkJobRecord in
      guard
        var job = try await jobs.fetch(
          request.jobID, organizationID: organizationID, on: connection, lock: true)
      else { throw jobs.notFound(request.jobID) }
      do throws(TagRuleViolation) {
        try job.progress.cancel(at: Date())
      } catch {
        throw TagRuleViolation(
          .failedPrecondition, reason: error.reason, field: "job_id",
          message: "bulk tag job \(job.id) is already \(job.progress.status.rawValue)")
      }
      try await jobs.save(job, on: connection)
      return job
    }
    return job.wire
  }

  // MARK: Coverage

  func getTagCoverage(request: Maac_Tags_V1_GetTagCoverageRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_GetTagCoverageResponse
  {
    let organizationID = try Self.organization()
    let range = try CoverageDateRange(start: request.startDate, end: request.endDate)
    guard request.channelID >= 0 else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_CHANNEL", field: "channel_id",
        message: "channel_id: must not be negative")
    }
    let rows = try await pool.withConnection { connection in
      try await ContactChannelCopy.requireKnownChannel(
        request.channelID, organizationID: organizationID, on: connection)
      return try await connection.query(
        """
        SELECT to_char(day, 'YYYY-MM-DD') AS day, state, total_contacts, tagged_contacts,
          following_total, following_tagged, failure_reason, computed_at
        FROM coverage_daily
        WHERE organization_id = \(organizationID) AND channel_id = \(request.channelID)
          AND day BETWEEN \(range.start.description)::date AND \(range.end.description)::date
        """)
    }
    var snapshots: [CalendarDay: CoverageSnapshot] = [:]
    for row in rows {
      guard let day = CalendarDay(try row.decode("day", as: String.self)) else { continue }
      if try row.decode("state", as: String.self) == "computed" {
        snapshots[day] = .computed(
          CoverageFigures(
            totalContacts: try row.decode("total_contacts", as: Int64?.self) ?? 0,
            taggedContacts: try row.decode("tagged_contacts", as: Int64?.self) ?? 0,
            followingTotal: try row.decode("following_total", as: Int64?.self) ?? 0,
            followingTagged: try row.decode("following_tagged", as: Int64?.self) ?? 0,
            computedAt: try row.decode("computed_at", as: Date.self)))
      } else {
        snapshots[day] = .failed(reason: try row.decode("failure_reason", as: String?.self) ?? "")
      }
    }
    var response = Maac_Tags_V1_GetTagCoverageResponse()
    for point in TagCoverageSeries.points(for: range, snapshots: snapshots) {
      var wire = Maac_Tags_V1_TagCoverageDaily()
      wire.orgID = organizationID
      wire.channelID = request.channelID
      wire.date = point.day.description
      switch point {
      case .missing:
        wire.state = .missing
      case .computed(_, let figures):
        wire.state = .computed
        wire.totalContacts = figures.totalContacts
        wire.taggedContacts = figures.taggedContacts
        wire.followingTotal = figures.followingTotal
        wire.followingTagged = figures.followingTagged
        if let rate = figures.coverageRate { wire.coverageRate = rate }
        wire.computedAt = Google_Protobuf_Timestamp(date: figures.computedAt)
      }
      response.points.append(wire)
    }
    return response
  }
}
