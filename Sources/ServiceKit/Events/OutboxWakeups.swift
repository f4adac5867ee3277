import Logging
import PostgresClient
import ServiceLifecycle
import Synchronization

/// Wakes subscribers waiting for new outbox events.
///
/// LISTEN/NOTIFY makes delivery prompt; the poll interval is the fallback that keeps
/// delivery going when a notification is lost (listener reconnecting, NOTIFY dropped),
/// so correctness never depends on notifications.
public final class OutboxWakeups: Sendable {
  private struct State {
    var generation: UInt64 = 0
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter: UInt64 = 0
  }

  private let state = Mutex(State())
  /// How long a subscriber sleeps without a notification before it looks again.
  public let pollInterval: Duration

  public init(pollInterval: Duration = .milliseconds(500)) {
    self.pollInterval = pollInterval
  }

  /// A counter that moves on every ``wakeAll()``; pass it to ``wait(unlessChangedFrom:)``.
  public var generation: UInt64 { state.withLock { $0.generation } }

  /// Wakes every waiting subscriber (called for each outbox notification).
  public func wakeAll() {
    let waiters = state.withLock { state in
      state.generation &+= 1
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns at the next ``wakeAll()`` after `generation`, after the poll interval, or on
  /// cancellation — whichever comes first.
  public func wait(unlessChangedFrom generation: UInt64) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { [pollInterval] in try? await Task.sleep(for: pollInterval) }
      group.addTask { await self.waitForWake(unlessChangedFrom: generation) }
      await group.next()
      group.cancelAll()
    }
  }

  private func waitForWake(unlessChangedFrom generation: UInt64) async {
    let id = state.withLock { state -> UInt64 in
      state.nextWaiter += 1
      return state.nextWaiter
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state -> Bool in
          if state.generation != generation || Task.isCancelled { return true }
          state.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
      waiter?.resume()
    }
  }

  /// A background service that wakes subscribers on every NOTIFY of `outbox`'s channel, and
  /// whenever the listener (re)connects, since notifications may have been missed meanwhile.
  public func following(
    outbox: Outbox, configuration: PostgresConfiguration, logger: Logger
  ) -> ClosureService {
    ClosureService("outbox-notifications") {
      let listener = PostgresNotificationListener(
        configuration: configuration, channels: [outbox.notificationChannel], logger: logger)
      await withTaskCancellationHandler {
        await withGracefulShutdownHandler {
          for await _ in listener.events() { self.wakeAll() }
        } onGracefulShutdown: {
          listener.shutdown()
        }
      } onCancel: {
        listener.shutdown()
      }
    }
  }
}
