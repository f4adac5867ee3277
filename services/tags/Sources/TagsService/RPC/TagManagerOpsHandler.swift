import Foundation
import GRPCCore
import MAACContracts
import ServiceKit
import TagsDomain

/// `maac.tags.v1.TagManagerOps`: operator calls, for `platform_admin` or service callers only.
struct TagManagerOpsHandler: Maac_Tags_V1_TagManagerOps.SimpleServiceProtocol {
  let sweeper: ExpirySweeper

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
    // Needs contacts' ListChannelContactCounts and the contact_channel copy, not available yet.
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Tags_V1_TagManagerOps.Method.RecomputeTagCoverage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
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
