import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import TagsDomain
import Testing

@testable import TagsService

@Suite("Roles")
struct RoleTests {
  @Test(
    "Roles (tags.md §9, §5.1; gateway.md G6): only the operations service is role-gated — PERMISSION_DENIED without platform_admin or a service identity; TagManagerService methods need no role"
  )
  func operationsOnly() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { client, raw in
        let org: Int64 = 51
        let ops = Maac_Tags_V1_TagManagerOps.Client(wrapping: raw)
        let today = CalendarDay(containing: Date(), in: CoverageCalculator.defaultTimeZone)
        var recompute = Maac_Tags_V1_RecomputeTagCoverageRequest()
        recompute.startDate = today.description
        recompute.endDate = today.description
        for roles in [[], ["member"], ["org_admin"]] {
          await expectError(.permissionDenied, reason: "PERMISSION_DENIED") {
            _ = try await ops.recomputeTagCoverage(
              recompute, metadata: CallerContext.tenant(org, roles: roles).metadata)
          }
          await expectError(.permissionDenied, reason: "PERMISSION_DENIED") {
            _ = try await ops.runExpirySweep(
              .init(), metadata: CallerContext.tenant(org, roles: roles).metadata)
          }
        }
        let admitted = try await ops.recomputeTagCoverage(
          recompute, metadata: CallerContext.tenant(org, roles: ["platform_admin"]).metadata)
        #expect(admitted.jobID > 0)
        _ = try await ops.runExpirySweep(.init(), metadata: service(org))
        // A plain member manages tags: no role gate on the tag manager's user methods.
        let tag = try await client.createTag(
          .with { $0.name = "open" },
          metadata: CallerContext.tenant(org, roles: ["member"]).metadata)
        #expect(tag.id > 0)
      }
    }
  }
}
