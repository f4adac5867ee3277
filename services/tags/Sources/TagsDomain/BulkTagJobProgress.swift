import Foundation

/// Status of a bulk job; it only moves forward (T18, CONVENTIONS.md TaskStatus).
public enum BulkJobStatus: String, Sendable, Hashable, Codable, CaseIterable {
  case pending
  case running
  case succeeded
  case failed
  case canceled

  /// Whether the job is finished.
  public var isTerminal: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// Counters applied by one batch of a bulk job.
public struct BulkBatchCounts: Sendable, Hashable {
  /// Add: associations created; remove: associations removed.
  public var affected: Int64
  /// Add: already attached (intensity incremented); remove: not attached.
  public var unchanged: Int64
  /// E.g. contact deleted meanwhile.
  public var skipped: Int64

  /// Creates counts.
  public init(affected: Int64 = 0, unchanged: Int64 = 0, skipped: Int64 = 0) {
    self.affected = affected
    self.unchanged = unchanged
    self.skipped = skipped
  }
}

/// The lifecycle and counters of one bulk job (§3.4, T16–T18).
public struct BulkTagJobProgress: Sendable, Hashable {
  /// Longest a job may run before it fails with `JOB_TIMEOUT`.
  public static let timeout: TimeInterval = 60 * 60

  /// Current status.
  public private(set) var status: BulkJobStatus
  /// Contacts resolved at execution time.
  public private(set) var matchedCount: Int64
  /// Associations created (add) or removed (remove).
  public private(set) var affectedCount: Int64
  /// See `BulkBatchCounts.unchanged`.
  public private(set) var unchangedCount: Int64
  /// See `BulkBatchCounts.skipped`.
  public private(set) var skippedCount: Int64
  /// Warnings in the order they arose.
  public private(set) var warnings: [BulkJobWarning]
  /// Failure reason (`TARGET_RESOLUTION_FAILED`, `JOB_TIMEOUT`, ...).
  public private(set) var errorReason: String?
  /// Failure text.
  public private(set) var errorMessage: String?
  /// When it started running.
  public private(set) var startedAt: Date?
  /// When the target was resolved (T16).
  public private(set) var evaluatedAt: Date?
  /// Watermark of the data the target was resolved from.
  public private(set) var dataAsOf: Date?
  /// When it reached a terminal state.
  public private(set) var finishedAt: Date?

  /// A newly submitted job, `pending` with the submission warnings.
  public init(warnings: [BulkJobWarning] = []) {
    self.init(
      status: .pending, matchedCount: 0, affectedCount: 0, unchangedCount: 0, skippedCount: 0,
      warnings: warnings, errorReason: nil, errorMessage: nil, startedAt: nil, evaluatedAt: nil,
      dataAsOf: nil, finishedAt: nil)
  }

  /// Rebuilds stored progress.
  public init(
    status: BulkJobStatus, matchedCount: Int64, affectedCount: Int64, unchangedCount: Int64,
    skippedCount: Int64, warnings: [BulkJobWarning], errorReason: String?, errorMessage: String?,
    startedAt: Date?, evaluatedAt: Date?, dataAsOf: Date?, finishedAt: Date?
  ) {
    self.status = status
    self.matchedCount = matchedCount
    self.affectedCount = affectedCount
    self.unchangedCount = unchangedCount
    self.skippedCount = skippedCount
    self.warnings = warnings
    self.errorReason = errorReason
    self.errorMessage = errorMessage
    self.startedAt = startedAt
    self.evaluatedAt = evaluatedAt
    self.dataAsOf = dataAsOf
    self.finishedAt = finishedAt
  }

  /// `pending → running`.
  public mutating func start(at now: Date) throws(TagRuleViolation) {
    try requireStatus(.pending, for: "start")
    status = .running
    startedAt = now
  }

  /// Records the target resolved at execution time (T16); zero matches warn (T17).
  public mutating func resolved(matched: Int64, evaluatedAt: Date, dataAsOf: Date?)
    throws(TagRuleViolation)
  {
    try requireStatus(.running, for: "resolve")
    matchedCount = matched
    self.evaluatedAt = evaluatedAt
    self.dataAsOf = dataAsOf
    if matched == 0, !warnings.contains(.zeroMatch) { warnings.append(.zeroMatch) }
  }

  /// Adds one batch's counters; visible while the job runs (T18).
  public mutating func record(_ batch: BulkBatchCounts) throws(TagRuleViolation) {
    try requireStatus(.running, for: "record a batch")
    affectedCount += batch.affected
    unchangedCount += batch.unchanged
    skippedCount += batch.skipped
  }

  /// `running → succeeded`.
  public mutating func succeed(at now: Date) throws(TagRuleViolation) {
    try requireStatus(.running, for: "succeed")
    status = .succeeded
    finishedAt = now
  }

  /// `pending|running → failed`.
  public mutating func fail(reason: String, message: String, at now: Date)
    throws(TagRuleViolation)
  {
    guard !status.isTerminal else { throw alreadyFinished() }
    status = .failed
    errorReason = reason
    errorMessage = message
    finishedAt = now
  }

  /// `pending|running → canceled`; applied batches stay (T18).
  public mutating func cancel(at now: Date) throws(TagRuleViolation) {
    guard !status.isTerminal else { throw alreadyFinished() }
    status = .canceled
    finishedAt = now
  }

  /// Whether a running job has exceeded the 60-minute limit at `now`.
  public func hasTimedOut(at now: Date) -> Bool {
    guard status == .running, let startedAt else { return false }
    return now.timeIntervalSince(startedAt) > BulkTagJobProgress.timeout
  }

  /// Fails a job that ran too long (T18).
  public mutating func failIfTimedOut(at now: Date) -> Bool {
    guard hasTimedOut(at: now) else { return false }
    status = .failed
    errorReason = "JOB_TIMEOUT"
    errorMessage = "job exceeded 60 minutes"
    finishedAt = now
    return true
  }

  private func requireStatus(_ expected: BulkJobStatus, for action: String)
    throws(TagRuleViolation)
  {
    guard status == expected else {
      if status.isTerminal { throw alreadyFinished() }
      throw TagRuleViolation(
        .failedPrecondition, reason: "INVALID_JOB_TRANSITION", field: "status",
        message: "status: cannot \(action) a \(status.rawValue) job")
    }
  }

  private func alreadyFinished() -> TagRuleViolation {
    TagRuleViolation(
      .failedPrecondition, reason: "JOB_ALREADY_FINISHED", field: "job_id",
      message: "bulk tag job is already \(status.rawValue)")
  }
}
