import AdminService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@testable import TagsService

/// Issue #9 in the tag manager: with the REAL admin center (library `AdminService`, in-process
/// on its own schema) as peer `admin`, an organization admin center does not know is refused
/// before any tag manager handler runs.
@Suite("Tag manager refuses organizations admin center does not know")
struct KnownOrganizationTests {
  @Test(
    "Issue #9/T27: a known organization is served; an unknown one is NOT_FOUND ORGANIZATION_NOT_FOUND and nothing is written"
  )
  func unknownOrganizationRefused() async throws {
    try await TestDatabase.withServiceDatabase("tgadmin") { adminDatabase in
      let adminProcess = ServiceProcess(
        name: AdminServer.name,
        configuration: ServiceConfiguration(
          databaseURL: adminDatabase.url, databaseSchema: adminDatabase.name,
          logLevel: .critical))
      let adminPool = try await adminProcess.openDatabase(migrations: try AdminServer.migrations())
      let admin = try await RunningService.start(
        adminProcess, services: AdminServer.services(process: adminProcess, pool: adminPool),
        tenancy: AdminServer.tenancy)
      do {
        let known = try await withTestClient(to: admin.address) { client in
          var request = Maac_Admin_V1_CreateOrganizationRequest()
          request.name = "Tagged"
          return try await Maac_Admin_V1_AdminOps.Client(wrapping: client).createOrganization(
            request,
            metadata: CallerContext(
              organizationID: nil, userID: "system:ops-test", requestID: "r"
            ).metadata
          ).id
        }
        let unknown = known + 1_000
        try await TagsHarness.withDatabase { base in
          var harness = base
          harness.peers["admin"] = admin.address
          try await harness.withService { client, _ in
            let tag = try await client.create("vip", org: known)
            #expect(tag.orgID == known)
            await expectError(.notFound, reason: "ORGANIZATION_NOT_FOUND") {
              _ = try await client.create("vip", org: unknown)
            }
            await expectError(.notFound, reason: "ORGANIZATION_NOT_FOUND") {
              _ = try await client.attach([tag.id], to: [1], org: unknown)
            }
          }
          let pool = try harness.pool()
          let rows = try await pool.query(
            "SELECT count(*) AS n FROM tags WHERE organization_id = \(unknown)")
          #expect(try rows[0].decode("n", as: Int64.self) == 0)
          await pool.shutdown()
        }
      } catch {
        await admin.stop()
        await adminPool.shutdown()
        throw error
      }
      await admin.stop()
      await adminPool.shutdown()
    }
  }
}
