import Synchronization

/// Back-pressure between a stream's writer (an async task) and the event loop.
///
/// A write is admitted at once while fewer than `limit` bytes wait for nghttp2 to take them,
/// so the common case never suspends; past the limit the writer waits until flow control lets
/// the peer's window drain the queue. Closing the stream fails waiting and later writes.
final class OutboundGate: Sendable {
  private struct State: ~Copyable {
    var queued = 0
    var waiter: CheckedContinuation<Void, any Error>?
    var waiterCount = 0
    var failure: (any Error)?
  }

  private let state = Mutex(State())
  private let limit: Int

  init(limit: Int) {
    self.limit = limit
  }

  /// Waits until `count` more bytes may be queued.
  func admit(_ count: Int) async throws {
    enum Action {
      case proceed
      case fail(any Error)
      case wait
    }
    let action = self.state.withLock { state -> Action in
      if let failure = state.failure { return .fail(failure) }
      if state.queued < self.limit {
        state.queued += count
        return .proceed
      }
      return .wait
    }
    switch action {
    case .proceed:
      return
    case .fail(let error):
      throw error
    case .wait:
      try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation {
          (continuation: CheckedContinuation<Void, any Error>) in
          let resume: Result<Void, any Error>? = self.state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            if state.queued < self.limit {
              state.queued += count
              return .success(())
            }
            state.waiter = continuation
            state.waiterCount = count
            return nil
          }
          if let resume { continuation.resume(with: resume) }
        }
      } onCancel: {
        let waiter = self.state.withLock { state in
          let waiter = state.waiter
          state.waiter = nil
          return waiter
        }
        waiter?.resume(throwing: CancellationError())
      }
    // Admitted by `release`, which already counted our bytes.
    }
  }

  /// The event loop handed `count` queued bytes to nghttp2.
  func release(_ count: Int) {
    let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
      state.queued -= count
      guard state.queued < self.limit, let waiter = state.waiter else { return nil }
      state.waiter = nil
      state.queued += state.waiterCount
      return waiter
    }
    waiter?.resume()
  }

  /// Fails the waiting writer and every later write with `error`.
  func close(with error: any Error) {
    let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
      if state.failure == nil { state.failure = error }
      let waiter = state.waiter
      state.waiter = nil
      return waiter
    }
    waiter?.resume(throwing: error)
  }
}
