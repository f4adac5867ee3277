import Foundation
import GRPCCore
import MAACContracts
import ServiceKit
import TagsDomain

/// `maac.tags.v1.TagManagerOps`: operator calls, for `platform_admin` or service callers only.
struct TagManagerOpsHandler: Maac_Tags_V1_TagManagerOps.SimpleServiceProtocol {
  let sweeper: ExpirySweeper
  let coverage: CoverageCalculator

  private func requireOperator() throws {
    let caller = try CallerContext.required()
    guard caller.userID.hasPrefix("system:") || caller.hasRole("platform_admin") else {
      throw ServiceError.permissionDenied(
        "TagManagerOps needs role platform_admin or a service identity")
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
    // The current day is computed from the current state (provisional until its last run);
    // past days would need contacts' totals as of that day, which contacts does not serve.
    let today = await coverage.today(organizationID: organizationID)
    guard range.start <= today, today <= range.end else {
      throw TagRuleViolation(
        .failedPrecondition, reason: "RECOMPUTE_PAST_DAYS_UNSUPPORTED", field: "start_date",
        message:
          "start_date: only the current day (\(today)) can be computed; past days need contacts' totals as of that day"
      )
    }
    _ = try await coverage.computeToday(organizationID: organizationID)
    // Computed synchronously: there is no job to follow.
    return Maac_Tags_V1_RecomputeTagCoverageResponse()
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
