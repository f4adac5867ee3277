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

@Suite("CDH scope changes as batched re-unification runs against PostgreSQL")
struct ScopeChangeJobTests {
  /// Contacts per org: org 100 holds 1...48, org 200 holds 49...96.
  static let perOrg: Int64 = 48

  /// Contact `i` of org 100 and contact `i + 48` of org 200 share customer id `C<i>`, so
  /// they link only once the orgs share a scope. Org 100's phones pair (1,2), (3,4), ...;
  /// org 200's phones are all distinct.
  static func seed(_ env: CDHTestEnvironment) async throws -> Int64 {
    var last: Int64 = 0
    for id in 1...(2 * perOrg) {
      let inFirst = id <= perOrg
      let phone = inFirst ? (id + 1) / 2 : 1_000 + id
      last = try await env.publishContact(
        "contact.created", org: inFirst ? 100 : 200, contact: id,
        changes: [
          CDHTestEnvironment.change("custom_id", "C\(inFirst ? id : id - perOrg)", at: 10),
          CDHTestEnvironment.change("display_mobile", "09\(String(format: "%08d", phone))", at: 10),
        ])
    }
    return last
  }

  /// Seeds both orgs and gives each its own scope with the customer id as key (every
  /// contact alone). Returns the scope ids of org 100 and org 200.
  static func prepare(
    _ env: CDHTestEnvironment, _ cdh: CDHTestEnvironment.CDH,
    client: GRPCClient<NGHTTP2ClientTransport>
  ) async throws -> (Int64, Int64) {
    let last = try await seed(env)
    try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: last)
    _ = try await CDHServiceTests.setKeys([.customID], org: 100, client: client)
    _ = try await CDHServiceTests.setKeys([.customID], org: 200, client: client)
    let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
    return (
      try await settings.getUnifySettings(.init(), metadata: admin(100)).unifyScopeID,
      try await settings.getUnifySettings(.init(), metadata: admin(200)).unifyScopeID
    )
  }

  /// CDH whose job runs go in batches of 8 and can be held before their third batch (`gate`,
  /// armed by the test), with both orgs prepared (`target` = org 100's scope, `source` = org
  /// 200's) and a client; the service is stopped afterwards, also when `body` throws.
  static func withHeldRun(
    _ body: (
      CDHTestEnvironment, CDHTestEnvironment.CDH, BatchGate, GRPCClient<NGHTTP2ClientTransport>,
      _ target: Int64, _ source: Int64
    ) async throws -> Void
  ) async throws {
    try await CDHTestEnvironment.with { env in
      let gate = BatchGate(batch: 3, armed: false)
      let cdh = try await env.startCDH(
        options: CDHRuntimeOptions(
          jobBatchSize: 8,
          beforeJobBatch: { job, batch in await gate.boundary(job: job, batch: batch) }))
      do {
        try await withTestClient(to: cdh.service.address) { client in
          let (target, source) = try await Self.prepare(env, cdh, client: client)
          try await body(env, cdh, gate, client, target, source)
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

  static let platformOperator = CallerContext(
    organizationID: nil, userID: "system:admin", requestID: "op"
  ).metadata

  static func move(org: Int64, into scopeID: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    try await Maac_Cdh_V1_CdhOps.Client(wrapping: client).moveOrgsToScope(
      .with {
        $0.unifyScopeID = scopeID
        $0.orgs = [
          .with {
            $0.orgID = org
            $0.source = .maac
          }
        ]
      }, metadata: platformOperator)
  }

  struct RunRow: Equatable {
    var job: Int64
    var scope: Int64
    var status: String
    var processed: Int64
  }

  /// The job rows of the run led by `runID`, one per scope.
  static func run(_ runID: Int64, pool: PostgresPool) async throws -> [RunRow] {
    try await pool.query(
      """
      SELECT job_id, unify_scope_id, status, processed_entities FROM reunify_job
      WHERE job_id = \(runID) OR run_id = \(runID) ORDER BY job_id
      """
    ).map {
      RunRow(
        job: try $0.decode("job_id", as: Int64.self),
        scope: try $0.decode("unify_scope_id", as: Int64.self),
        status: try $0.decode("status", as: String.self),
        processed: try $0.decode("processed_entities", as: Int64.self))
    }
  }

  static func mergeFinished(_ org: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws -> Bool
  {
    try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client).getMergeState(
      .init(), metadata: admin(org)
    ).isFinished
  }

  /// Reads `cdh.contact_profile.v1` from the start until job `until` sent its last batch;
  /// returns, per job id, how many messages and how many last batches it sent.
  static func profileMessages(until: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws -> [Int64: (messages: Int, last: Int)]
  {
    var subscription = Maac_Common_V1_SubscribeRequest()
    subscription.eventTypes = ["cdh.contact_profile.v1"]
    let system = CallerContext(organizationID: nil, userID: "system:contacts", requestID: "t")
      .metadata
    return try await Maac_Cdh_V1_CdhEvents.Client(wrapping: client).subscribe(
      subscription, metadata: system
    ) { stream in
      var counts: [Int64: (messages: Int, last: Int)] = [:]
      for try await envelope in stream.messages {
        let message = try Maac_Cdh_V1_ContactProfileChanged(unpackingAny: envelope.payload)
        let job = message.metadata.jobID
        guard job != 0 else { continue }
        var count = counts[job] ?? (0, 0)
        count.messages += 1
        if message.metadata.isLastBatch { count.last += 1 }
        counts[job] = count
        if job == until && message.metadata.isLastBatch { break }
      }
      return counts
    }
  }

  /// Reads `cdh.unify_settings.v1` from the start until one message per job of `jobs` came;
  /// returns them by job id.
  static func settingsMessages(jobs: Set<Int64>, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws -> [Int64: Maac_Cdh_V1_UnifySettingsChanged]
  {
    var subscription = Maac_Common_V1_SubscribeRequest()
    subscription.eventTypes = ["cdh.unify_settings.v1"]
    let system = CallerContext(organizationID: nil, userID: "system:contacts", requestID: "t")
      .metadata
    return try await Maac_Cdh_V1_CdhEvents.Client(wrapping: client).subscribe(
      subscription, metadata: system
    ) { stream in
      var found: [Int64: Maac_Cdh_V1_UnifySettingsChanged] = [:]
      for try await envelope in stream.messages {
        let message = try Maac_Cdh_V1_UnifySettingsChanged(unpackingAny: envelope.payload)
        if jobs.contains(message.jobID) { found[message.jobID] = message }
        if found.count == jobs.count { break }
      }
      return found
    }
  }

  @Test(
    "U6, U7, U18, U20: MoveOrgsToScope answers at once and regroups both scopes in a background run of batches; mid-run both scopes are not finished and reads are pending; a real-time change between batches holds; the end state is the from-scratch grouping"
  )
  func moveRunsInBatches() async throws {
    try await Self.withHeldRun { env, cdh, gate, client, target, source in
      await gate.arm()
      // The call returns while its run is held before its third batch.
      let moved = try await Self.move(org: 200, into: target, client: client)
      #expect(moved.orgs.map(\.orgID) == [100, 200])
      let runID = try #require(try await gate.waitUntilHeld())

      // One run, a row per scope that gained or lost orgs, two batches of 8 persisted.
      let running = try await Self.run(runID, pool: cdh.pool)
      #expect(running.map(\.scope) == [target, source])
      #expect(running.allSatisfy { $0.status == "running" && $0.processed == 16 })
      let halfway = try await ReunifyJobTests.groups(cdh.pool)
      #expect(halfway.values.filter { $0.count == 2 }.count == 16)
      #expect(halfway.values.filter { $0.count == 1 }.count == 80)
      #expect(try await !Self.mergeFinished(100, client: client))
      #expect(try await !Self.mergeFinished(200, client: client))
      for id: Int64 in [1, 48, 49, 96] {
        let org: Int64 = id <= Self.perOrg ? 100 : 200
        #expect(
          try await CDHServiceTests.merged(id, org: org, client: client).reunificationPending,
          "member \(id)")
      }

      // A real-time change between batches: 96 takes 1's customer id (U20's lock).
      let changed = try await env.publishContact(
        "contact.updated", org: 200, contact: 96,
        changes: [CDHTestEnvironment.change("custom_id", "C1", at: 20)])
      try await CDHTestEnvironment.waitForCursor(
        cdh.pool, producer: "contacts", sequence: changed)
      #expect(try await CDHServiceTests.members(96, org: 200, client: client) == [1, 49, 96])

      await gate.release()
      await cdh.runtime.idle()

      let done = try await Self.run(runID, pool: cdh.pool)
      #expect(done.allSatisfy { $0.status == "completed" && $0.processed == 96 })
      #expect(try await Self.mergeFinished(100, client: client))
      #expect(
        try await !CDHServiceTests.merged(96, org: 200, client: client).reunificationPending)

      // From scratch: one scope, customer id as key, over the final values.
      let final = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...(2 * Self.perOrg) {
        let base = id <= Self.perOrg ? id : id - Self.perOrg
        let expected: [Int64] =
          switch base {
          case 1: [1, 49, 96]
          case 48: id == 48 ? [48] : [1, 49, 96]
          default: [base, base + Self.perOrg]
          }
        #expect(final[id] == expected, "member \(id)")
      }
      // Every live profile now belongs to the target scope.
      let elsewhere = try await cdh.pool.query(
        "SELECT count(*) AS n FROM profile WHERE unify_scope_id <> \(target)")[0].decode(
          "n", as: Int64.self)
      #expect(elsewhere == 0)

      // U18: the target's job ends with exactly one last batch; the emptied source scope
      // (no orgs left to tell) sends none.
      let counts = try await Self.profileMessages(until: done[0].job, client: client)
      #expect(counts[done[0].job]?.last == 1)
      #expect((counts[done[0].job]?.messages ?? 0) > 1)
      #expect(counts[done[1].job] == nil)

      // U6: both scopes announce their settings with their own job.
      let announced = try await Self.settingsMessages(
        jobs: Set(done.map(\.job)), client: client)
      #expect(announced[done[0].job]?.unifyScopeID == target)
      #expect(announced[done[0].job]?.orgs.map(\.orgID) == [100, 200])
      #expect(announced[done[0].job]?.unifyKeys.map(\.attribute) == [.customID])
      #expect(announced[done[1].job]?.unifyScopeID == source)
      #expect(announced[done[1].job]?.orgs.isEmpty == true)
    }
  }

  @Test(
    "U6, U7, U18: DisconnectScope splits profiles that span both orgs in a batched run over the old and both new scopes; a CDH restart mid-run resumes it to the from-scratch result"
  )
  func disconnectResumesAfterRestart() async throws {
    try await CDHTestEnvironment.with { env in
      let gate = BatchGate(batch: 3, armed: false)
      let options = CDHRuntimeOptions(
        jobBatchSize: 8,
        beforeJobBatch: { job, batch in await gate.boundary(job: job, batch: batch) })
      var cdh = try await env.startCDH(options: options)
      var runID: Int64 = 0
      var newScopes: [Int64] = []
      var shared: Int64 = 0
      do {
        try await withTestClient(to: cdh.service.address) { client in
          let (target, _) = try await Self.prepare(env, cdh, client: client)
          shared = target
          _ = try await Self.move(org: 200, into: target, client: client)
          try await CDHServiceTests.waitUntilMerged(org: 100, client: client)
          #expect(try await CDHServiceTests.members(1, org: 100, client: client) == [1, 49])

          await gate.arm()
          let response = try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
            .disconnectScope(.with { $0.unifyScopeID = target }, metadata: admin(100))
          newScopes = response.scopes.map(\.unifyScopeID)
          #expect(response.scopes.map { $0.orgs.map(\.orgID) } == [[100], [200]])
          runID = try #require(try await gate.waitUntilHeld())
          let running = try await Self.run(runID, pool: cdh.pool)
          #expect(running.map(\.scope) == [target] + newScopes)
          #expect(running.allSatisfy { $0.status == "running" && $0.processed == 16 })
          let halfway = try await ReunifyJobTests.groups(cdh.pool)
          #expect(halfway.values.filter { $0.count == 1 }.count == 16)
          #expect(halfway.values.filter { $0.count == 2 }.count == 80)
          #expect(try await !Self.mergeFinished(100, client: client))
          #expect(try await !Self.mergeFinished(200, client: client))
          #expect(
            try await CDHServiceTests.merged(1, org: 100, client: client).reunificationPending)
        }
      } catch {
        await gate.release()
        await cdh.service.stop()
        throw error
      }
      // Restart mid-run: the old process loses its database before the held run goes on.
      await cdh.service.stop()
      await cdh.pool.shutdown()
      await gate.release()
      await cdh.runtime.idle()

      // The new process resumes the run from the schema; held before its plan, it shows
      // what the old one left: two batches applied, the rows still running.
      let resumed = BatchGate(batch: 0)
      cdh = try await env.startCDH(
        options: CDHRuntimeOptions(
          jobBatchSize: 8,
          beforeJobBatch: { job, batch in await resumed.boundary(job: job, batch: batch) }))
      #expect(try await resumed.waitUntilHeld() == runID)
      let interrupted = try await Self.run(runID, pool: cdh.pool)
      #expect(interrupted.allSatisfy { $0.status == "running" && $0.processed == 16 })
      await resumed.release()
      await cdh.runtime.idle()
      let done = try await Self.run(runID, pool: cdh.pool)
      #expect(done.map(\.scope) == [shared] + newScopes)
      #expect(done.allSatisfy { $0.status == "completed" && $0.processed == 96 })
      let final = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...(2 * Self.perOrg) { #expect(final[id] == [id], "member \(id)") }
      try await withTestClient(to: cdh.service.address) { client in
        #expect(try await Self.mergeFinished(100, client: client))
        #expect(try await Self.mergeFinished(200, client: client))
        for id: Int64 in [1, 49] {
          let org: Int64 = id == 1 ? 100 : 200
          let profile = try await CDHServiceTests.merged(id, org: org, client: client)
          #expect(!profile.reunificationPending)
          #expect(profile.unifyScopeID == newScopes[id == 1 ? 0 : 1], "member \(id)")
        }
      }
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }

  @Test(
    "U20, U6, U7: newer keys on the target scope stop a running Move run at a batch boundary; the newest run covers every scope of the stopped one, ends at the newest keys, and only it sends a last batch"
  )
  func newerSettingsSupersedeMove() async throws {
    try await Self.withHeldRun { env, cdh, gate, client, target, source in
      await gate.arm()
      _ = try await Self.move(org: 200, into: target, client: client)
      let firstRun = try #require(try await gate.waitUntilHeld())

      // Scope-level keys (the scope is connected): the phone alone.
      let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
      let newer = try await settings.updateUnifyKeys(
        .with {
          $0.unifyScopeID = target
          $0.unifyKeys = [.with { $0.attribute = .displayMobile }]
        }, metadata: admin(100))
      #expect(newer.changed)
      #expect(try await !Self.mergeFinished(100, client: client))
      await gate.release()
      await cdh.runtime.idle()

      let stopped = try await Self.run(firstRun, pool: cdh.pool)
      #expect(stopped.allSatisfy { $0.status == "superseded" && $0.processed == 16 })
      let newest = try await Self.run(newer.jobID, pool: cdh.pool)
      #expect(newest.map(\.scope) == [target, source])
      #expect(newest.allSatisfy { $0.status == "completed" && $0.processed == 96 })
      #expect(try await Self.mergeFinished(200, client: client))

      // The newest keys over the final values: org 100's phone pairs, org 200 alone.
      let final = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...(2 * Self.perOrg) {
        let expected: [Int64] =
          id > Self.perOrg
          ? [id] : [id.isMultiple(of: 2) ? id - 1 : id, id.isMultiple(of: 2) ? id : id + 1]
        #expect(final[id] == expected, "member \(id)")
      }
      let counts = try await Self.profileMessages(until: newest[0].job, client: client)
      #expect(counts[newest[0].job]?.last == 1)
      for row in stopped { #expect((counts[row.job]?.last ?? 0) == 0, "job \(row.job)") }
    }
  }

  @Test(
    "U20, U6: a Disconnect during a Move run supersedes it at a batch boundary; the newest run covers the old run's scopes and both new ones and ends with every contact alone in its org's scope"
  )
  func scopeChangeSupersedesScopeChange() async throws {
    try await Self.withHeldRun { env, cdh, gate, client, target, source in
      await gate.arm()
      _ = try await Self.move(org: 200, into: target, client: client)
      let moveRun = try #require(try await gate.waitUntilHeld())
      let response = try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
        .disconnectScope(.with { $0.unifyScopeID = target }, metadata: admin(100))
      let newScopes = response.scopes.map(\.unifyScopeID)
      await gate.release()
      await cdh.runtime.idle()

      let stopped = try await Self.run(moveRun, pool: cdh.pool)
      #expect(stopped.allSatisfy { $0.status == "superseded" && $0.processed == 16 })
      let newestID = try await cdh.pool.query(
        "SELECT max(job_id) AS id FROM reunify_job WHERE run_id IS NULL")[0].decode(
          "id", as: Int64.self)
      let newest = try await Self.run(newestID, pool: cdh.pool)
      #expect(Set(newest.map(\.scope)) == Set([target, source] + newScopes))
      #expect(newest.allSatisfy { $0.status == "completed" && $0.processed == 96 })
      let final = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...(2 * Self.perOrg) { #expect(final[id] == [id], "member \(id)") }
      #expect(try await Self.mergeFinished(100, client: client))
      #expect(try await Self.mergeFinished(200, client: client))
      let profile = try await CDHServiceTests.merged(49, org: 200, client: client)
      #expect(profile.unifyScopeID == newScopes[1])
    }
  }

  @Test(
    "U20, U18: ResyncScope during a Move run stops it at a batch boundary (same settings version); the resync run covers both scopes and completes with the Move's grouping"
  )
  func resyncSupersedesMove() async throws {
    try await Self.withHeldRun { env, cdh, gate, client, target, source in
      await gate.arm()
      _ = try await Self.move(org: 200, into: target, client: client)
      let moveRun = try #require(try await gate.waitUntilHeld())
      let resync = try await Maac_Cdh_V1_CdhOps.Client(wrapping: client).resyncScope(
        .with { $0.unifyScopeID = target }, metadata: Self.platformOperator)
      #expect(resync.jobID > moveRun)
      await gate.release()
      await cdh.runtime.idle()

      let stopped = try await Self.run(moveRun, pool: cdh.pool)
      #expect(stopped.allSatisfy { $0.status == "superseded" && $0.processed == 16 })
      let newest = try await Self.run(resync.jobID, pool: cdh.pool)
      #expect(newest.map(\.scope) == [target, source])
      #expect(newest.allSatisfy { $0.status == "completed" && $0.processed == 96 })
      let final = try await ReunifyJobTests.groups(cdh.pool)
      for id in 1...Self.perOrg {
        #expect(final[id] == [id, id + Self.perOrg], "member \(id)")
      }
    }
  }
}
