import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@Suite("CDH re-unification jobs against PostgreSQL")
struct ReunifyJobTests {
  static let contacts: Int64 = 96

  /// Pairs (1,2), (3,4), ... share a customer id; quadruples (1..4), (5..8), ... a phone.
  static func seed(_ env: CDHTestEnvironment) async throws -> Int64 {
    var last: Int64 = 0
    for id in 1...contacts {
      last = try await env.publishContact(
        "contact.created", org: 100, contact: id,
        changes: [
          CDHTestEnvironment.change("custom_id", "C\((id + 1) / 2)", at: 10),
          CDHTestEnvironment.change(
            "display_mobile", "09\(String(format: "%08d", (id + 3) / 4))", at: 10),
        ])
    }
    return last
  }

  struct JobRow {
    var status: String
    var total: Int64
    var processed: Int64
  }

  static func job(_ id: Int64, pool: PostgresPool) async throws -> JobRow {
    let row = try await pool.query(
      "SELECT status, total_entities, processed_entities FROM reunify_job WHERE job_id = \(id)")[0]
    return JobRow(
      status: try row.decode("status", as: String.self),
      total: try row.decode("total_entities", as: Int64.self),
      processed: try row.decode("processed_entities", as: Int64.self))
  }

  /// Member → the members of its profile, from the persisted memberships.
  static func groups(_ pool: PostgresPool) async throws -> [Int64: [Int64]] {
    var byProfile: [Int64: [Int64]] = [:]
    var profileOf: [Int64: Int64] = [:]
    for row in try await pool.query(
      "SELECT member_id, profile_id FROM unified_member ORDER BY member_id")
    {
      let member = try row.decode("member_id", as: Int64.self)
      let profile = try row.decode("profile_id", as: Int64.self)
      byProfile[profile, default: []].append(member)
      profileOf[member] = profile
    }
    return profileOf.mapValues { byProfile[$0]! }
  }

  @Test(
    "U20, U7, U18: newer settings stop a running job at its next batch boundary; the newest settings' job completes and only it publishes the last batch"
  )
  func newestSettingsWin() async throws {
    try await CDHTestEnvironment.with { env in
      let gate = BatchGate(batch: 3)
      let cdh = try await env.startCDH(
        options: CDHRuntimeOptions(
          jobBatchSize: 8,
          beforeJobBatch: { job, batch in await gate.boundary(job: job, batch: batch) }))
      do {
        let last = try await Self.seed(env)
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: last)
        try await withTestClient(to: cdh.service.address) { client in
          let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
          let first = try await settings.updateUnifyKeys(
            .with {
              $0.unifyKeys = [.customID, .displayMobile].map { key in .with { $0.attribute = key } }
            }, metadata: admin(100))
          let held = try await gate.waitUntilHeld()
          #expect(held == first.jobID)

          // Half-way: two batches of 8 applied and persisted, and nothing says "finished".
          let running = try await Self.job(first.jobID, pool: cdh.pool)
          #expect(running.status == "running")
          #expect(running.total == Self.contacts)
          #expect(running.processed == 16)
          let halfway = try await Self.groups(cdh.pool)
          #expect(halfway.values.filter { $0.count == 4 }.count == 16)
          #expect(halfway.values.filter { $0.count == 1 }.count == Int(Self.contacts) - 16)
          #expect(try await !settings.getMergeState(.init(), metadata: admin(100)).isFinished)
          #expect(
            try await CDHServiceTests.merged(1, org: 100, client: client).reunificationPending)

          // A real-time change between batches is applied at once (the job holds no lock).
          let moved = try await env.publishContact(
            "contact.updated", org: 100, contact: 1,
            changes: [CDHTestEnvironment.change("custom_id", "Z", at: 20)])
          try await CDHTestEnvironment.waitForCursor(
            cdh.pool, producer: "contacts", sequence: moved)

          // Newest settings: the customer id alone.
          let second = try await settings.updateUnifyKeys(
            .with { $0.unifyKeys = [.with { $0.attribute = .customID }] }, metadata: admin(100))
          #expect(second.changed)
          #expect(second.jobID > first.jobID)
          await gate.release()
          await cdh.runtime.idle()

          let stopped = try await Self.job(first.jobID, pool: cdh.pool)
          #expect(stopped.status == "superseded")
          #expect(stopped.processed == 16)
          let finished = try await Self.job(second.jobID, pool: cdh.pool)
          #expect(finished.status == "completed")
          #expect(finished.processed == Self.contacts)
          #expect(try await settings.getMergeState(.init(), metadata: admin(100)).isFinished)
          #expect(
            try await !CDHServiceTests.merged(1, org: 100, client: client).reunificationPending)

          // Final state = the newest keys applied to the newest values, nothing of the first
          // job's quadruples left.
          let final = try await Self.groups(cdh.pool)
          for id in 1...Self.contacts {
            let expected: [Int64] =
              id <= 2
              ? [id] : [id.isMultiple(of: 2) ? id - 1 : id, id.isMultiple(of: 2) ? id : id + 1]
            #expect(final[id] == expected, "member \(id)")
          }
          #expect(try await CDHServiceTests.members(6, org: 100, client: client) == [5, 6])

          // The stream: the stopped job never announced a last batch; the newest job's
          // messages end with exactly one.
          var subscription = Maac_Common_V1_SubscribeRequest()
          subscription.eventTypes = ["cdh.contact_profile.v1"]
          let system = CallerContext(organizationID: nil, userID: "system:contacts", requestID: "t")
            .metadata
          let (firstLast, secondLast, secondMessages) = try await Maac_Cdh_V1_CdhEvents.Client(
            wrapping: client
          ).subscribe(subscription, metadata: system) { stream in
            var firstLast = 0
            var secondLast = 0
            var secondMessages = 0
            for try await envelope in stream.messages {
              let message = try Maac_Cdh_V1_ContactProfileChanged(unpackingAny: envelope.payload)
              if message.metadata.jobID == first.jobID && message.metadata.isLastBatch {
                firstLast += 1
              }
              if message.metadata.jobID == second.jobID {
                secondMessages += 1
                if message.metadata.isLastBatch {
                  secondLast += 1
                  break
                }
              }
            }
            return (firstLast, secondLast, secondMessages)
          }
          #expect(firstLast == 0)
          #expect(secondLast == 1)
          #expect(secondMessages > 1)
        }
      } catch {
        await gate.release()
        await cdh.service.stop()
        throw error
      }
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }
}
