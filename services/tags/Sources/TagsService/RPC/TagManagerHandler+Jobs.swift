import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import TagsDomain

extension TagManagerHandler {
  /// A clean-up (T14) or coverage (T21) job of the caller's organization.
  func getTagJob(request: Maac_Tags_V1_GetTagJobRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_TagJob
  {
    let organizationID = try Self.organization()
    let job = try await pool.withConnection { connection in
      try await tagJobs.fetch(request.jobID, organizationID: organizationID, on: connection)
    }
    guard let job else {
      throw TagRuleViolation(
        .notFound, reason: "JOB_NOT_FOUND", field: "job_id",
        message: "job \(request.jobID) not found")
    }
    return job.wire
  }
}

extension TagJobRecord {
  /// The job on the wire.
  var wire: Maac_Tags_V1_TagJob {
    var job = Maac_Tags_V1_TagJob()
    job.id = id
    job.orgID = organizationID
    job.kind = kind == .tagCleanup ? .tagCleanup : .coverageRecompute
    job.status =
      switch status {
      case "pending": .pending
      case "running": .running
      case "succeeded": .succeeded
      case "failed": .failed
      default: .unspecified
      }
    job.processed = processed
    job.errorMessage = errorMessage ?? ""
    job.createdAt = Google_Protobuf_Timestamp(date: createdAt)
    if let startedAt { job.startedAt = Google_Protobuf_Timestamp(date: startedAt) }
    if let finishedAt { job.finishedAt = Google_Protobuf_Timestamp(date: finishedAt) }
    job.startDate = startDay?.description ?? ""
    job.endDate = endDay?.description ?? ""
    job.channelID = channelID
    return job
  }
}
