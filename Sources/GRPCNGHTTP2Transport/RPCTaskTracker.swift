import Synchronization

/// Counts the server's running RPC tasks so `listen()` can wait for the last one.
final class RPCTaskTracker: Sendable {
  private let state = Mutex<(running: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

  func enter() {
    self.state.withLock { $0.running += 1 }
  }

  func leave() {
    let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
      state.running -= 1
      guard state.running == 0, let waiter = state.waiter else { return nil }
      state.waiter = nil
      return waiter
    }
    waiter?.resume()
  }

  func waitUntilIdle() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = self.state.withLock { state -> Bool in
        if state.running == 0 { return true }
        state.waiter = continuation
        return false
      }
      if done { continuation.resume() }
    }
  }
}
