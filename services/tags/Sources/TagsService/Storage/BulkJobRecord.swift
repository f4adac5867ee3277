import Foundation
import MAACContracts
import PostgresClient
import SwiftProtobuf
import TagsDomain

/// A stored bulk tag job (§3.4).
struct BulkJobRecord: Sendable {
  var id: Int64
  var organizationID: Int64
  var action: BulkAction
  var tags: [TagKey]
  var target: Maac_Tags_V1_BulkTagTarget
  var notBefore: Date?
  var submittedPreviewCount: Int64?
  var progress: BulkTagJobProgress
  var createdBy: String
  var createdAt: Date
  var checkpoint: Int64?
  var resolved: Bool

  init(row: PostgresRow) throws {
    id = try row.decode("id", as: Int64.self)
    organizationID = try row.decode("organization_id", as: Int64.self)
    action = BulkAction(rawValue: try row.decode("action", as: String.self)) ?? .add
    let sources = try row.decode("tag_sources", as: [String].self)
    let ids = try row.decode("tag_ids", as: [Int64].self)
    tags = zip(ids, sources).map { TagKey(id: $0, source: TagSource(rawValue: $1) ?? .maac) }
    target = try Maac_Tags_V1_BulkTagTarget(
      serializedBytes: try row.decode("target", as: Data.self))
    notBefore = try row.decode("not_before", as: Date?.self)
    submittedPreviewCount = try row.decode("submitted_preview_count", as: Int64?.self)
    progress = BulkTagJobProgress(
      status: BulkJobStatus(rawValue: try row.decode("status", as: String.self)) ?? .pending,
      matchedCount: try row.decode("matched_count", as: Int64.self),
      affectedCount: try row.decode("affected_count", as: Int64.self),
      unchangedCount: try row.decode("unchanged_count", as: Int64.self),
      skippedCount: try row.decode("skipped_count", as: Int64.self),
      warnings: try row.decode("warnings", as: [String].self).compactMap(
        BulkJobWarning.init(rawValue:)),
      errorReason: try row.decode("error_reason", as: String?.self),
      errorMessage: try row.decode("error_message", as: String?.self),
      startedAt: try row.decode("started_at", as: Date?.self),
      evaluatedAt: try row.decode("evaluated_at", as: Date?.self),
      dataAsOf: try row.decode("data_as_of", as: Date?.self),
      finishedAt: try row.decode("finished_at", as: Date?.self))
    createdBy = try row.decode("created_by", as: String.self)
    createdAt = try row.decode("created_at", as: Date.self)
    checkpoint = try row.decode("checkpoint", as: Int64?.self)
    resolved = try row.decode("resolved", as: Bool.self)
  }

  var wire: Maac_Tags_V1_BulkTagJob {
    var job = Maac_Tags_V1_BulkTagJob()
    job.id = id
    job.orgID = organizationID
    job.action = action == .add ? .add : .remove
    job.tagIds = tags.map(\.id)
    job.target = target
    if let notBefore { job.notBefore = Google_Protobuf_Timestamp(date: notBefore) }
    job.status = ProtoMapping.wire(progress.status)
    if let submittedPreviewCount { job.submittedPreviewCount = submittedPreviewCount }
    if let at = progress.evaluatedAt { job.evaluatedAt = Google_Protobuf_Timestamp(date: at) }
    if let at = progress.dataAsOf { job.dataAsOf = Google_Protobuf_Timestamp(date: at) }
    job.matchedCount = progress.matchedCount
    job.affectedCount = progress.affectedCount
    job.unchangedCount = progress.unchangedCount
    job.skippedCount = progress.skippedCount
    job.warnings = progress.warnings.map(\.rawValue)
    job.errorReason = progress.errorReason ?? ""
    job.errorMessage = progress.errorMessage ?? ""
    job.createdBy = createdBy
    job.createdAt = Google_Protobuf_Timestamp(date: createdAt)
    if let at = progress.startedAt { job.startedAt = Google_Protobuf_Timestamp(date: at) }
    if let at = progress.finishedAt { job.finishedAt = Google_Protobuf_Timestamp(date: at) }
    return job
  }

  /// The `tags.bulk_job.v1` event of a job that reached a terminal state.
  var finishedEvent: PendingEvent {
    let job = self
    return PendingEvent(eventType: TagEventRouting.bulkJobStream, organizationID: organizationID) {
      sequence in
      var event = Maac_Tags_V1_BulkJobFinished()
      event.eventID = sequence
      event.jobID = job.id
      event.orgID = job.organizationID
      event.action = job.action == .add ? .add : .remove
      event.tagIds = job.tags.map(\.id)
      event.status = ProtoMapping.wire(job.progress.status)
      event.matchedCount = job.progress.matchedCount
      event.affectedCount = job.progress.affectedCount
      event.unchangedCount = job.progress.unchangedCount
      event.skippedCount = job.progress.skippedCount
      event.warnings = job.progress.warnings.map(\.rawValue)
      if let at = job.progress.finishedAt { event.finishedAt = Google_Protobuf_Timestamp(date: at) }
      return event
    }
  }
}
