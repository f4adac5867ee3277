import Synchronization

/// Counts the RPCs a client connection has been handed but may not have finished, so the idle
/// timer cannot close a connection a caller has just picked.
///
/// A caller takes its connection before it writes its first request part; the `.open` mail
/// reaches the event loop later, and on a loaded machine the idle timeout could fire in between
/// and fail the RPC with UNAVAILABLE although nothing had been sent. Callers reserve while the
/// transport's state lock is held (for a connection still connecting, before it is ready), and
/// closing for idleness takes the count from 0 to `closed` atomically: a reservation either comes
/// first (the timer waits) or fails (the caller picks again).
final class StreamReservations: Sendable {
  private static let closed = -1
  private let count = Atomic<Int>(0)

  /// Reserves a place for one RPC; false once the connection closed for idleness.
  func reserve() -> Bool {
    var current = self.count.load(ordering: .relaxed)
    while current != Self.closed {
      let (exchanged, original) = self.count.compareExchange(
        expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
      if exchanged { return true }
      current = original
    }
    return false
  }

  /// Ends a reservation taken with `reserve()`.
  func release() {
    self.count.subtract(1, ordering: .releasing)
  }

  /// Marks the connection closed for idleness when nobody holds a reservation.
  func closeIfUnreserved() -> Bool {
    self.count.compareExchange(expected: 0, desired: Self.closed, ordering: .acquiringAndReleasing)
      .exchanged
  }
}
