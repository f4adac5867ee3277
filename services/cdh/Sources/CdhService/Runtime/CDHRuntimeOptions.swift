/// Tuning of a ``CDHRuntime``.
public struct CDHRuntimeOptions: Sendable {
  /// Most entities one re-unification batch applies (U18 step 4). Each batch is one
  /// transaction under the runtime's lock; between batches real-time events run and newer
  /// settings stop the job (U20).
  public var jobBatchSize: Int
  /// Called before each batch of a job, outside the lock, with the job id and the batch's
  /// index (0 = the plan). Tests use it to act at a batch boundary deterministically.
  public var beforeJobBatch: (@Sendable (_ jobID: Int64, _ batch: Int) async -> Void)?

  public init(
    jobBatchSize: Int = 50_000,
    beforeJobBatch: (@Sendable (_ jobID: Int64, _ batch: Int) async -> Void)? = nil
  ) {
    self.jobBatchSize = max(1, jobBatchSize)
    self.beforeJobBatch = beforeJobBatch
  }
}
