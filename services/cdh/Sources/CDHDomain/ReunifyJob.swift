/// Why a re-unification job runs (cdh.md §2.2 reunify_job).
public enum ReunifyTrigger: String, Sendable, Hashable, Codable {
  case settingsChange = "settings_change"
  case scopeChange = "scope_change"
  case disconnect
  case adminResync = "admin_resync"
}

/// The lifecycle of a job: `pending → running → completed | failed | superseded` (U18, U20).
public enum ReunifyJobStatus: String, Sendable, Hashable, Codable {
  case pending
  case running
  case completed
  case failed
  case superseded

  /// Pending and running jobs keep the merge state "not finished" (U7).
  public var isActive: Bool { self == .pending || self == .running }

  /// Whether the lifecycle allows moving to `next` (status only moves forward).
  public func canMove(to next: ReunifyJobStatus) -> Bool {
    switch (self, next) {
    case (.pending, .running), (.pending, .superseded), (.pending, .failed): true
    case (.running, .completed), (.running, .failed), (.running, .superseded): true
    default: false
    }
  }
}

/// A re-unification job of one scope and its progress (U18).
public struct ReunifyJob: Sendable, Hashable, Codable {
  public var id: Int64
  public var scopeID: Int64
  public var trigger: ReunifyTrigger
  public var settingsVersion: Int64
  public var status: ReunifyJobStatus
  public var broadcastAll: Bool
  public var totalEntities: Int64 = 0
  public var processedEntities: Int64 = 0
  public var influencedEntities: Int64 = 0
  public var batchesPublished: Int64 = 0
  public var error: String?
  public var createdAt: Instant
  public var startedAt: Instant?
  public var finishedAt: Instant?

  public init(
    id: Int64, scopeID: Int64, trigger: ReunifyTrigger, settingsVersion: Int64,
    broadcastAll: Bool = false, createdAt: Instant
  ) {
    self.id = id
    self.scopeID = scopeID
    self.trigger = trigger
    self.settingsVersion = settingsVersion
    self.status = .pending
    self.broadcastAll = broadcastAll
    self.createdAt = createdAt
  }

  /// Moves the job forward; a backwards or sideways move is a programming error reported as
  /// a failed precondition.
  public mutating func move(to next: ReunifyJobStatus, at now: Instant, error: String? = nil)
    throws(DomainError)
  {
    guard status.canMove(to: next) else {
      throw .failedPrecondition("job \(id) cannot move from \(status.rawValue) to \(next.rawValue)")
    }
    status = next
    if next == .running { startedAt = now }
    if !next.isActive { finishedAt = now }
    if let error { self.error = error }
  }
}

/// The merge state of a scope (U7): finished unless a job is pending or running.
public struct MergeState: Sendable, Equatable {
  public var scopeID: Int64
  public var isFinished: Bool
  public var latestJob: ReunifyJob?

  public init(scopeID: Int64, jobs: [ReunifyJob]) {
    self.scopeID = scopeID
    self.isFinished = !jobs.contains { $0.scopeID == scopeID && $0.status.isActive }
    self.latestJob = jobs.filter { $0.scopeID == scopeID }.max { $0.id < $1.id }
  }
}

/// U20: one job per scope, newest settings win. Given the scope's active job (if any) and the
/// newly stored settings version, says what to do.
public enum ReunifyJobPlanner {
  public struct Plan: Sendable, Equatable {
    /// The job to mark superseded (pending ones immediately, running ones at their next batch
    /// boundary).
    public var supersede: Int64?
    /// Settings version the new job applies.
    public var newJobSettingsVersion: Int64
  }

  public static func plan(active: ReunifyJob?, newSettingsVersion: Int64) -> Plan {
    Plan(
      supersede: active.flatMap { $0.status.isActive ? $0.id : nil },
      newJobSettingsVersion: newSettingsVersion)
  }

  /// A running job checks at each batch boundary whether newer settings exist.
  public static func isSuperseded(_ job: ReunifyJob, currentSettingsVersion: Int64) -> Bool {
    job.status.isActive && currentSettingsVersion > job.settingsVersion
  }
}
