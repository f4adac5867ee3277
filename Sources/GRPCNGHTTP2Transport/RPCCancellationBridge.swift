import Synchronization

/// Turns GRPCCore's cooperative RPC cancellation (deadline expiry, peer reset) into task
/// cancellation of the handler, so handlers blocked in `Task.sleep` or a downstream call stop.
///
/// The RPC's task waits on `wait()` next to the handler's child task: whichever of `finish()`
/// (the handler returned) or `cancel()` (the RPC was cancelled) comes first decides.
final class RPCCancellationBridge: Sendable {
  private enum State {
    case pending
    case waiting(CheckedContinuation<Bool, Never>)
    case finished
    case cancelled
  }

  private let state = Mutex(State.pending)

  /// Returns true if the RPC was cancelled, false if the handler finished first.
  func wait() async -> Bool {
    await withCheckedContinuation { continuation in
      let result = self.state.withLock { state -> Bool? in
        switch state {
        case .pending:
          state = .waiting(continuation)
          return nil
        case .finished:
          return false
        case .cancelled:
          return true
        case .waiting:
          preconditionFailure("wait() called twice")
        }
      }
      if let result { continuation.resume(returning: result) }
    }
  }

  func finish() {
    self.settle(.finished, result: false)
  }

  func cancel() {
    self.settle(.cancelled, result: true)
  }

  private func settle(_ outcome: State, result: Bool) {
    let continuation = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
      switch state {
      case .pending:
        state = outcome
        return nil
      case .waiting(let continuation):
        state = outcome
        return continuation
      case .finished, .cancelled:
        return nil
      }
    }
    continuation?.resume(returning: result)
  }
}
