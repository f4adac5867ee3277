import Foundation
import Testing

@testable import TagsDomain

@Suite("Bulk tag jobs")
struct BulkJobTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func violation(_ body: () throws(TagRuleViolation) -> Void) -> TagRuleViolation? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }

  @Test("T16/T28: requests need an action, 1..50 tags, a target and 1..10,000 explicit ids")
  func requestValidation() throws {
    let ok = try BulkTagJobRequest(
      action: .add, tags: [TagKey(id: 1), TagKey(id: 1)], target: .contactIDs([3, 4]), queuedJobs: 0
    )
    #expect(ok.tags == [TagKey(id: 1)])
    let cases: [(BulkAction?, [TagKey], BulkTarget?, String)] = [
      (nil, [TagKey(id: 1)], .contactIDs([1]), "action"),
      (.add, [], .contactIDs([1]), "tag_ids"),
      (.add, (1...51).map { TagKey(id: Int64($0)) }, .contactIDs([1]), "tag_ids"),
      (.add, [TagKey(id: 1)], nil, "target"),
      (.add, [TagKey(id: 1)], .contactIDs([]), "target.contact_ids.contact_ids"),
      (.add, [TagKey(id: 1)], .contactIDs(Array(1...10_001)), "target.contact_ids.contact_ids"),
      (.remove, [TagKey(id: 1)], .contactIDs([5, 0]), "target.contact_ids.contact_ids[1]"),
    ]
    for (action, tags, target, field) in cases {
      let error = violation { () throws(TagRuleViolation) in
        _ = try BulkTagJobRequest(action: action, tags: tags, target: target, queuedJobs: 0)
      }
      #expect(error?.reason == "INVALID_BULK_REQUEST")
      #expect(error?.field == field)
    }
    _ = try BulkTagJobRequest(
      action: .add, tags: [TagKey(id: 1)], target: .contactIDs(Array(1...10_000)), queuedJobs: 49)
  }

  @Test("T28: the 51st queued job of an org is BULK_QUEUE_FULL")
  func queueFull() {
    let error = violation { () throws(TagRuleViolation) in
      _ = try BulkTagJobRequest(
        action: .add, tags: [TagKey(id: 1)], target: .contactIDs([1]), queuedJobs: 50)
    }
    #expect(error?.reason == "BULK_QUEUE_FULL")
    #expect(error?.kind == .resourceExhausted)
  }

  @Test("T17: a filter testing one of the job's own tags warns self_referencing_filter")
  func selfReference() throws {
    let own = try BulkTagJobRequest(
      action: .add, tags: [TagKey(id: 7)], target: .filter(referencedTags: [TagKey(id: 7)]),
      queuedJobs: 0)
    #expect(own.submissionWarnings == [.selfReferencingFilter])
    let otherSource = try BulkTagJobRequest(
      action: .add, tags: [TagKey(id: 7)],
      target: .filter(referencedTags: [TagKey(id: 7, source: .caac)]),
      queuedJobs: 0)
    #expect(otherSource.submissionWarnings.isEmpty)
    let explicit = try BulkTagJobRequest(
      action: .add, tags: [TagKey(id: 7)], target: .contactIDs([1]), queuedJobs: 0)
    #expect(explicit.submissionWarnings.isEmpty)
  }

  @Test("T18: pending → running → succeeded with counters visible while running")
  func lifecycle() throws {
    var job = BulkTagJobProgress(warnings: [.selfReferencingFilter])
    #expect(job.status == .pending)
    try job.start(at: now)
    try job.resolved(matched: 5, evaluatedAt: now + 1, dataAsOf: now)
    try job.record(BulkBatchCounts(affected: 2, unchanged: 1))
    #expect(job.affectedCount == 2)
    try job.record(BulkBatchCounts(affected: 1, skipped: 1))
    try job.succeed(at: now + 2)
    #expect(job.status == .succeeded)
    #expect(
      (job.matchedCount, job.affectedCount, job.unchangedCount, job.skippedCount) == (5, 3, 1, 1))
    #expect(job.warnings == [.selfReferencingFilter])
    #expect(job.finishedAt == now + 2)
    #expect(job.evaluatedAt == now + 1)
  }

  @Test("T17: a job resolving to zero contacts warns zero_match and still succeeds")
  func zeroMatch() throws {
    var job = BulkTagJobProgress()
    try job.start(at: now)
    try job.resolved(matched: 0, evaluatedAt: now, dataAsOf: nil)
    try job.succeed(at: now)
    #expect(job.warnings == [.zeroMatch])
    #expect(job.status == .succeeded)
  }

  @Test("T18: cancel stops pending or running jobs; a finished job is JOB_ALREADY_FINISHED")
  func cancel() throws {
    var pending = BulkTagJobProgress()
    try pending.cancel(at: now)
    #expect(pending.status == .canceled)
    var running = BulkTagJobProgress()
    try running.start(at: now)
    try running.record(BulkBatchCounts(affected: 10))
    try running.cancel(at: now + 1)
    #expect(running.status == .canceled)
    #expect(running.affectedCount == 10)
    let error = violation { () throws(TagRuleViolation) in try running.cancel(at: now + 2) }
    #expect(error?.reason == "JOB_ALREADY_FINISHED")
    #expect(error?.kind == .failedPrecondition)
    #expect(
      violation { () throws(TagRuleViolation) in try running.record(BulkBatchCounts(affected: 1)) }?
        .reason == "JOB_ALREADY_FINISHED")
  }

  @Test("T18: status only moves forward")
  func forwardOnly() throws {
    var job = BulkTagJobProgress()
    #expect(violation { () throws(TagRuleViolation) in try job.succeed(at: now) } != nil)
    try job.start(at: now)
    #expect(violation { () throws(TagRuleViolation) in try job.start(at: now) } != nil)
    try job.fail(reason: "TARGET_RESOLUTION_FAILED", message: "segment unavailable", at: now)
    #expect(
      violation { () throws(TagRuleViolation) in try job.start(at: now) }?.reason
        == "JOB_ALREADY_FINISHED")
    #expect(job.errorReason == "TARGET_RESOLUTION_FAILED")
  }

  @Test("T18: a job running longer than 60 minutes fails with JOB_TIMEOUT")
  func timeout() throws {
    var job = BulkTagJobProgress()
    try job.start(at: now)
    let atLimit = job.failIfTimedOut(at: now + 3600)
    #expect(!atLimit)
    #expect(job.status == .running)
    let beyond = job.failIfTimedOut(at: now + 3601)
    #expect(beyond)
    #expect(job.status == .failed)
    #expect(job.errorReason == "JOB_TIMEOUT")
  }

  @Test("T17: one job per org at a time, strictly in submission order")
  func scheduling() {
    typealias Job = BulkJobScheduler.QueuedJob
    #expect(
      BulkJobScheduler.nextToStart(
        among: [Job(id: 3, status: .pending), Job(id: 2, status: .pending)], at: now) == 2)
    #expect(
      BulkJobScheduler.nextToStart(
        among: [Job(id: 1, status: .running), Job(id: 2, status: .pending)], at: now) == nil)
    #expect(
      BulkJobScheduler.nextToStart(
        among: [Job(id: 1, status: .succeeded), Job(id: 2, status: .pending)], at: now) == 2)
    // A head waiting for not_before holds back later jobs.
    #expect(
      BulkJobScheduler.nextToStart(
        among: [Job(id: 1, status: .pending, notBefore: now + 60), Job(id: 2, status: .pending)],
        at: now) == nil)
    #expect(
      BulkJobScheduler.nextToStart(
        among: [Job(id: 1, status: .pending, notBefore: now + 60), Job(id: 2, status: .pending)],
        at: now + 60) == 1)
  }

  @Test("T16: the filter is resolved at a watermark no older than submission or the previous job")
  func watermark() {
    #expect(BulkJobScheduler.minimumWatermark(submittedAt: now, previousJobFinishedAt: nil) == now)
    #expect(
      BulkJobScheduler.minimumWatermark(submittedAt: now, previousJobFinishedAt: now + 5) == now + 5
    )
    #expect(
      BulkJobScheduler.minimumWatermark(submittedAt: now, previousJobFinishedAt: now - 5) == now)
  }

  @Test("T18: batches resume after the checkpoint so no contact is processed twice")
  func resumableBatches() {
    let ordered = BulkJobScheduler.processingOrder([9, 3, 3, 7, 1, 5])
    #expect(ordered == [1, 3, 5, 7, 9])
    var checkpoint: Int64?
    var seen: [Int64] = []
    while true {
      let batch = BulkJobScheduler.nextBatch(of: ordered, after: checkpoint, size: 2)
      if batch.isEmpty { break }
      seen += batch
      checkpoint = batch.last
    }
    #expect(seen == ordered)
    #expect(Array(BulkJobScheduler.nextBatch(of: ordered, after: 4, size: 10)) == [5, 7, 9])
    #expect(BulkJobScheduler.nextBatch(of: ordered, after: 9, size: 10).isEmpty)
  }
}
