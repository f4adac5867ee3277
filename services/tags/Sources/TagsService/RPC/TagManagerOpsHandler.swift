import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit
import TagsDomain

/// `maac.tags.v1.TagManagerOps`: operator calls, for `platform_admin` or service callers only.
struct TagManagerOpsHandler: Maac_Tags_V1_TagManagerOps.SimpleServiceProtocol {
  let pool: PostgresPool
  let sweeper: ExpirySweeper
  let coverage: CoverageCalculator
  var jobs = TagJobStore()

  private func requireOperator() throws {
    let caller = try CallerContext.required()
    guard caller.userID.hasPrefix("system:") || caller.hasRole("platform_admin") else {
      // The only role gate of the tag manager in v1 (gateway.md G6: user routes are not
      // role-gated; tags.md §5.1 marks these operations admin/test).
      throw ServiceError(
        .permissionDenied, "TagManagerOps needs role platform_admin or a service identity",
        reason: "PERMISSION_DENIED")
    }
  }

  func recomputeTagCoverage(
    request: Maac_Tags_V1_RecomputeTagCoverageRequest, context: ServerContext
  ) async throws -> Maac_Tags_V1_RecomputeTagCoverageResponse {
    try requireOperator()
    guard let organizationID = CallerContext.current?.organizationID else {
      throw ServiceError.invalidArgument(
        field: "x-maac-org-id", "x-maac-org-id: the organization to recompute is required")
    }
    let range = try CoverageDateRange(start: request.startDate, end: request.endDate)
    guard request.channelID >= 0 else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_CHANNEL", field: "channel_id",
        message: "channel_id: must not be negative")
    }
    let today = await coverage.today(organizationID: organizationID)
    guard range.end <= today else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_DATE_RANGE", field: "end_date",
        message: "end_date: must not be after the current day (\(today))")
    }
    let jobID = try await pool.withTransaction { connection in
      // A channel none of whose contacts tag manager ever saw has nothing to compute (§9).
      try await ContactChannelCopy.requireKnownChannel(
        request.channelID, organizationID: organizationID, on: connection)
      return try await jobs.insertCoverage(
        organizationID: organizationID, range: range, channelID: request.channelID,
        on: connection)
    }
    // CoverageJobRunner computes the days in the background (T21).
    var response = Maac_Tags_V1_RecomputeTagCoverageResponse()
    response.jobID = jobID
    return response
  }

  func runExpirySweep(request: Maac_Tags_V1_RunExpirySweepRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_RunExpirySweepResponse
  {
    try requireOperator()
    var response = Maac_Tags_V1_RunExpirySweepResponse()
    response.removedCount = try await sweeper.sweep(
      organizationID: request.orgID == 0 ? nil : request.orgID)
    return response
  }
}
