import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import Testing

@testable import TagsService

@Suite("Bulk tag jobs over gRPC")
struct BulkJobServiceTests {
  @Test("T16/T17/T18: filters resolve when the job runs, jobs run in order, warnings are reported")
  func executionTimeResolution() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let a = try await tags.create("A", org: 1)
        let b = try await tags.create("B", org: 1)
        let c = try await tags.create("C", org: 1)
        let contacts = Array(Int64(1)...60)
        // Job 1 adds A; job 2, submitted right away, adds B to "contacts with A". Resolved at
        // submission it would match nobody; resolved when it runs it sees job 1's effects.
        let first = try await tags.startJob(
          .add, tags: [a.id], target: contactsTarget(contacts), org: 1)
        let second = try await tags.startJob(
          .add, tags: [b.id], target: tagFilterTarget([a.id]), org: 1)
        #expect(first.status == .pending)
        #expect(second.status == .pending)
        #expect(second.warnings.isEmpty)
        let selfReferencing = try await tags.startJob(
          .remove, tags: [a.id], target: tagFilterTarget([a.id, b.id]), org: 1)
        #expect(selfReferencing.warnings == ["self_referencing_filter"])
        let empty = try await tags.startJob(
          .add, tags: [b.id], target: tagFilterTarget([c.id]), org: 1)
        for job in [first, second, selfReferencing, empty] {
          try await eventually { isTerminal(try await tags.job(job.id, org: 1)) }
        }
        let one = try await tags.job(first.id, org: 1)
        let two = try await tags.job(second.id, org: 1)
        let three = try await tags.job(selfReferencing.id, org: 1)
        let four = try await tags.job(empty.id, org: 1)
        #expect(one.status == .succeeded)
        #expect((one.matchedCount, one.affectedCount, one.unchangedCount) == (60, 60, 0))
        #expect(two.status == .succeeded)
        #expect(two.matchedCount == 60)
        #expect(two.evaluatedAt.date >= one.finishedAt.date)
        #expect(two.startedAt.date >= one.finishedAt.date)
        #expect(three.status == .succeeded)
        #expect(three.affectedCount == 60)
        #expect(three.warnings == ["self_referencing_filter"])
        #expect(four.status == .succeeded)
        #expect(four.warnings == ["zero_match"])
        // T12/T18: counts are exact when the job reports success.
        #expect(try await tags.tag(a.id, org: 1).memberCount == 0)
        #expect(try await tags.tag(b.id, org: 1).memberCount == 60)
        var list = Maac_Tags_V1_ListBulkTagJobsRequest()
        list.pageSize = 3
        let page = try await tags.listBulkTagJobs(list, metadata: tenant(1))
        #expect(page.jobs.map(\.id) == [empty.id, selfReferencing.id, second.id])
        #expect(!page.nextPageToken.isEmpty)
        await expectError(.notFound, reason: "JOB_NOT_FOUND", field: "job_id") {
          _ = try await tags.job(first.id, org: 2)
        }
        var cancel = Maac_Tags_V1_CancelBulkTagJobRequest()
        cancel.jobID = first.id
        await expectError(.failedPrecondition, reason: "JOB_ALREADY_FINISHED", field: "job_id") {
          _ = try await tags.cancelBulkTagJob(cancel, metadata: tenant(1))
        }
      }
    }
  }

  @Test("T16/T28: bad bulk requests are refused naming the field")
  func validation() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("T", org: 1)
        await expectError(.invalidArgument, reason: "INVALID_BULK_REQUEST", field: "action") {
          _ = try await tags.startJob(
            .unspecified, tags: [tag.id], target: contactsTarget([1]), org: 1)
        }
        await expectError(.invalidArgument, reason: "INVALID_BULK_REQUEST", field: "tag_ids") {
          _ = try await tags.startJob(.add, tags: [], target: contactsTarget([1]), org: 1)
        }
        await expectError(.invalidArgument, reason: "INVALID_BULK_REQUEST", field: "target") {
          _ = try await tags.startJob(
            .add, tags: [tag.id], target: Maac_Tags_V1_BulkTagTarget(), org: 1)
        }
        await expectError(
          .invalidArgument, reason: "INVALID_BULK_REQUEST", field: "target.contact_ids.contact_ids"
        ) {
          _ = try await tags.startJob(
            .add, tags: [tag.id], target: contactsTarget(Array(1...10_001)), org: 1)
        }
        await expectError(.invalidArgument, reason: "TAG_NOT_FOUND", field: "tag_ids") {
          _ = try await tags.startJob(.add, tags: [tag.id], target: contactsTarget([1]), org: 2)
        }
        var unsupported = tagFilterTarget([tag.id])
        unsupported.filter.tree.conditions[0].condition.condition = "gender"
        await expectError(
          .failedPrecondition, reason: "FILTER_NOT_SUPPORTED",
          field: "target.filter.tree.conditions[0].condition.condition"
        ) {
          _ = try await tags.startJob(.add, tags: [tag.id], target: unsupported, org: 1)
        }
      }
    }
  }

  @Test("T18: cancel stops further batches and keeps applied changes")
  func cancel() async throws {
    let slow = TagManager.Settings(
      bulkBatchSize: 10, bulkBatchPause: .milliseconds(100), pollInterval: .milliseconds(50))
    try await TagsHarness.withDatabase(settings: slow) { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("Slow", org: 1)
        let job = try await tags.startJob(
          .add, tags: [tag.id], target: contactsTarget(Array(1...500)), org: 1)
        try await eventually { try await tags.job(job.id, org: 1).affectedCount >= 20 }
        var cancel = Maac_Tags_V1_CancelBulkTagJobRequest()
        cancel.jobID = job.id
        let canceled = try await tags.cancelBulkTagJob(cancel, metadata: tenant(1))
        #expect(canceled.status == .canceled)
        // Give the runner time to observe the cancel; nothing more may be applied after it.
        try await Task.sleep(for: .milliseconds(400))
        let settled = try await tags.job(job.id, org: 1)
        try await Task.sleep(for: .milliseconds(400))
        let later = try await tags.job(job.id, org: 1)
        #expect(later.status == .canceled)
        #expect(later.affectedCount == settled.affectedCount)
        #expect(later.affectedCount < 500)
        #expect(try await tags.tag(tag.id, org: 1).memberCount == later.affectedCount)
      }
    }
  }

  @Test(
    "T18: a job interrupted by stopping the service resumes after restart without tagging anyone twice"
  )
  func resumesAfterRestart() async throws {
    let slow = TagManager.Settings(
      bulkBatchSize: 20, bulkBatchPause: .milliseconds(60), pollInterval: .milliseconds(50))
    try await TagsHarness.withDatabase(settings: slow) { harness in
      let contacts = Array(Int64(1)...400)
      let (tagID, jobID) = try await harness.withService { tags, _ in
        let tag = try await tags.create("Resumable", org: 1)
        let job = try await tags.startJob(
          .add, tags: [tag.id], target: contactsTarget(contacts), org: 1)
        try await eventually { try await tags.job(job.id, org: 1).affectedCount >= 60 }
        return (tag.id, job.id)
      }
      // The first process is gone (stopped mid-job, as a crash would). Check it really stopped
      // in the middle, then start a new process on the same database.
      let pool = try harness.pool()
      let midway = try await pool.query(
        "SELECT status, affected_count FROM bulk_jobs WHERE id = \(jobID)")
      #expect(try midway[0].decode("status", as: String.self) == "running")
      #expect(try midway[0].decode("affected_count", as: Int64.self) < 400)
      try await harness.withService { tags, _ in
        try await eventually { isTerminal(try await tags.job(jobID, org: 1)) }
        let job = try await tags.job(jobID, org: 1)
        #expect(job.status == .succeeded)
        #expect(job.matchedCount == 400)
        #expect(job.affectedCount == 400)
        #expect(job.unchangedCount == 0)
        #expect(try await tags.tag(tagID, org: 1).memberCount == 400)
        var batch = Maac_Tags_V1_BatchListContactTagsRequest()
        batch.contactIds = contacts
        let entries = try await tags.batchListContactTags(batch, metadata: tenant(1)).entries
        #expect(entries.count == 400)
        #expect(entries.allSatisfy { $0.tags.count == 1 && $0.tags[0].tagCount == 1 })
      }
      let adds = try await pool.query(
        "SELECT count(*) AS n, count(DISTINCT contact_id) AS d FROM tag_events WHERE tag_id = \(tagID) AND action = 'add'"
      )
      #expect(try adds[0].decode("n", as: Int64.self) == 400)
      #expect(try adds[0].decode("d", as: Int64.self) == 400)
      await pool.shutdown()
    }
  }
  @Test("T18: a running job older than 60 minutes fails with JOB_TIMEOUT and keeps what it applied")
  func timesOut() async throws {
    let slow = TagManager.Settings(
      bulkBatchSize: 10, bulkBatchPause: .milliseconds(100), pollInterval: .milliseconds(50))
    try await TagsHarness.withDatabase(settings: slow) { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("Long", org: 1)
        let job = try await tags.startJob(
          .add, tags: [tag.id], target: contactsTarget(Array(1...500)), org: 1)
        try await eventually { try await tags.job(job.id, org: 1).affectedCount >= 20 }
        // The job has been running for an hour as far as the next batch can tell.
        let pool = try harness.pool()
        try await pool.execute(
          "UPDATE bulk_jobs SET started_at = started_at - interval '61 minutes' WHERE id = \(job.id)"
        )
        await pool.shutdown()
        var finished = job
        try await eventually {
          finished = try await tags.job(job.id, org: 1)
          return isTerminal(finished)
        }
        #expect(finished.status == .failed)
        #expect(finished.errorReason == "JOB_TIMEOUT")
        #expect(finished.affectedCount < 500)
        #expect(try await tags.tag(tag.id, org: 1).memberCount == finished.affectedCount)
      }
    }
  }
}
