/// Holds the first job that reaches a given batch boundary until the test releases it, so a
/// test can act while a job is deterministically half-way (U20).
actor BatchGate {
  let batch: Int
  private(set) var heldJob: Int64?
  private var released = false
  private var armed: Bool
  private var waiter: CheckedContinuation<Void, Never>?

  /// An unarmed gate lets every job pass until ``arm()``.
  init(batch: Int, armed: Bool = true) {
    self.batch = batch
    self.armed = armed
  }

  /// From now on the first job reaching the gate's batch is held.
  func arm() { armed = true }

  /// The runtime's `beforeJobBatch` hook.
  func boundary(job: Int64, batch: Int) async {
    guard armed, batch == self.batch, !released, heldJob == nil || heldJob == job else { return }
    heldJob = job
    await withCheckedContinuation { waiter = $0 }
  }

  /// Waits (bounded) until a job is held; returns its id.
  func waitUntilHeld() async throws -> Int64? {
    for _ in 0..<1_200 {
      if let heldJob, waiter != nil { return heldJob }
      try await Task.sleep(for: .milliseconds(25))
    }
    return nil
  }

  func release() {
    released = true
    waiter?.resume()
    waiter = nil
  }
}
