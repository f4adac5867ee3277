import ServiceKit

/// Tuning and collaborators of a ``CDHRuntime``.
public struct CDHRuntimeOptions: Sendable {
  /// Admin center's known-organization check (``ServiceProcess/organizationGate``): inbound
  /// events of an organization admin center does not know (or disabled) are refused, so the
  /// consumer sets them aside as dead letters instead of provisioning a tenant. `nil` (no
  /// admin peer, single-service runs) accepts every organization.
  public var organizationGate: OrganizationGate?
  /// Most entities one re-unification batch applies (U18 step 4). Each batch is one
  /// transaction under the runtime's lock; between batches real-time events run and newer
  /// settings stop the job (U20).
  public var jobBatchSize: Int
  /// Called before each batch of a job, outside the lock, with the job id and the batch's
  /// index (0 = the plan). Tests use it to act at a batch boundary deterministically.
  public var beforeJobBatch: (@Sendable (_ jobID: Int64, _ batch: Int) async -> Void)?

  public init(
    jobBatchSize: Int = 50_000, organizationGate: OrganizationGate? = nil,
    beforeJobBatch: (@Sendable (_ jobID: Int64, _ batch: Int) async -> Void)? = nil
  ) {
    self.organizationGate = organizationGate
    self.jobBatchSize = max(1, jobBatchSize)
    self.beforeJobBatch = beforeJobBatch
  }
}
