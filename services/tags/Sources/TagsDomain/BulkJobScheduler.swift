import Foundation

/// One organization's bulk jobs run one at a time in submission order (T17).
public enum BulkJobScheduler {
  /// What the scheduler needs to know of a job.
  public struct QueuedJob: Sendable, Hashable {
    /// Job id; ids grow in submission order.
    public let id: Int64
    /// Status.
    public let status: BulkJobStatus
    /// Earliest start.
    public let notBefore: Date?

    /// Creates a queue entry.
    public init(id: Int64, status: BulkJobStatus, notBefore: Date? = nil) {
      self.id = id
      self.status = status
      self.notBefore = notBefore
    }
  }

  /// The job to start now, if any: nothing while one runs; otherwise the oldest pending job,
  /// which holds back every later job until its `not_before` has passed, so later jobs always
  /// see the effects of earlier ones.
  public static func nextToStart(among jobs: [QueuedJob], at now: Date) -> Int64? {
    if jobs.contains(where: { $0.status == .running }) { return nil }
    guard let head = jobs.filter({ $0.status == .pending }).min(by: { $0.id < $1.id }) else {
      return nil
    }
    if let notBefore = head.notBefore, notBefore > now { return nil }
    return head.id
  }

  /// The data watermark a filter target must be resolved at (T16): no older than the job's
  /// submission, nor than the finish of the organization's previous job.
  public static func minimumWatermark(submittedAt: Date, previousJobFinishedAt: Date?) -> Date {
    guard let previous = previousJobFinishedAt else { return submittedAt }
    return max(submittedAt, previous)
  }

  /// Contacts of a resolved target in processing order: distinct, ascending, so a checkpoint
  /// (the last contact id done) identifies exactly what remains after a restart.
  public static func processingOrder(_ contactIDs: [Int64]) -> [Int64] {
    Array(Set(contactIDs)).sorted()
  }

  /// The next batch after `checkpoint` (exclusive) from contacts in processing order.
  public static func nextBatch(of ordered: [Int64], after checkpoint: Int64?, size: Int)
    -> ArraySlice<Int64>
  {
    let start: Int
    if let checkpoint {
      var low = 0
      var high = ordered.count
      while low < high {
        let mid = (low + high) / 2
        if ordered[mid] <= checkpoint { low = mid + 1 } else { high = mid }
      }
      start = low
    } else {
      start = 0
    }
    return ordered[start..<min(ordered.count, start + size)]
  }
}
