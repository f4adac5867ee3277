/// Holds the first job that reaches a given batch boundary until the test releases it, so a
/// test can act while a job is deterministically half-way (U20).
actor BatchGate {
  let batch: Int
  private(set) var heldJob: Int64?
  private var released = false
  private var waiter: CheckedContinuation<Void, Never>?

  init(batch: Int) { self.batch = batch }

  /// The runtime's `beforeJobBatch` hook.
  func boundary(job: Int64, batch: Int) async {
    guard batch == self.batch, !released, heldJob == nil || heldJob == job else { return }
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
