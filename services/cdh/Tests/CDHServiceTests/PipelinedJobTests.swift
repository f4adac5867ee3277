import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import Testing

@Suite("CDH pipelined re-unification job against PostgreSQL")
struct PipelinedJobTests {
  @Test(
    "U18, U17, U20: a job whose batches commit while the next one is computed persists exactly the new grouping; retired ids follow merged_into; a restart rebuilds the same profiles"
  )
  func pipelinedJobPersistsAndReloads() async throws {
    try await CDHTestEnvironment.with { env in
      // No batch hook: nothing waits for the lock, so every batch after the first is
      // computed while its predecessor commits.
      var cdh = try await env.startCDH(options: CDHRuntimeOptions(jobBatchSize: 8))
      let last = try await ReunifyJobTests.seed(env)
      try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: last)
      var before: [Int64: Int64] = [:]
      var after: [Int64: Maac_Cdh_V1_MergedProfile] = [:]
      try await withTestClient(to: cdh.service.address) { client in
        for id in 1...ReunifyJobTests.contacts {
          before[id] = try await CDHServiceTests.merged(id, org: 100, client: client).profileID
        }
        let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
        let response = try await settings.updateUnifyKeys(
          .with {
            $0.unifyKeys = [.customID, .displayMobile].map { key in .with { $0.attribute = key } }
          }, metadata: admin(100))
        await cdh.runtime.idle()
        let job = try await ReunifyJobTests.job(response.jobID, pool: cdh.pool)
        #expect(job.status == "completed")
        #expect(job.processed == ReunifyJobTests.contacts)
        for id in 1...ReunifyJobTests.contacts {
          after[id] = try await CDHServiceTests.merged(id, org: 100, client: client)
        }
      }
      // Persisted: quadruples (1..4), (5..8), ...
      let groups = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...ReunifyJobTests.contacts {
        let first = (id - 1) / 4 * 4 + 1
        #expect(groups[id] == Array(first...first + 3), "member \(id)")
      }
      let live = try await cdh.pool.query(
        "SELECT count(*) AS n FROM profile WHERE member_count = 4 AND NOT retired")[0].decode(
          "n", as: Int64.self)
      let retired = try await cdh.pool.query("SELECT count(*) AS n FROM retired_profile")[0]
        .decode("n", as: Int64.self)
      #expect(live == ReunifyJobTests.contacts / 4)
      #expect(retired == ReunifyJobTests.contacts / 4 * 3)
      let wide = try await cdh.pool.query("SELECT count(*) AS n FROM profile")[0].decode(
        "n", as: Int64.self)
      #expect(wide == live)

      // Restart: the engine is rebuilt from the schema (profile states written without
      // JSONEncoder, retirements from retired_profile) and answers exactly as before.
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
      cdh = try await env.startCDH(options: CDHRuntimeOptions(jobBatchSize: 8))
      try await withTestClient(to: cdh.service.address) { client in
        let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: client)
        for id in 1...ReunifyJobTests.contacts {
          let reloaded = try await CDHServiceTests.merged(id, org: 100, client: client)
          #expect(reloaded == after[id], "member \(id)")
          // U17: the old singleton's id leads to the surviving profile.
          let viaOldID = try await profiles.getMergedProfile(
            .with { $0.profileID = before[id]! }, metadata: admin(100))
          #expect(viaOldID.profileID == after[id]?.profileID, "old id of member \(id)")
        }
      }
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }
}
