internal import NIOCore

/// The deadlines of one connection's lean unary calls, so that the connection needs one timer
/// for all of them instead of one per call.
///
/// A scheduled task per call (armed when the call opens, cancelled when it answers) cost an
/// allocation, a heap insertion and a heap removal under the event loop's task lock on every
/// call: a few percent of the gateway's CPU per request. Calls with the same timeout reach the
/// event loop in the order of their deadlines, so each timeout has a first-in first-out queue
/// and only the queues' heads are candidates for the next expiry. The connection arms one timer
/// at the earliest head; calls that answered are dropped from a queue's head when a call is
/// added or the timer fires, without touching the timer.
///
/// A call whose deadline is a little earlier than the one queued before it (two threads posting
/// with the same timeout at nearly the same time) expires at the earlier call's deadline: late
/// by that skew (microseconds), never early. Event-loop state only.
struct UnaryDeadlines {
  struct Entry {
    var deadline: NIODeadline
    /// The stream's id: HTTP/2 never reuses one on a connection, so an id that is no longer
    /// pending is a call that has ended (no reference to the stream kept here).
    var streamID: Int32
  }

  /// Entries of one timeout, oldest first: `entries[head...]` are queued.
  private struct Queue {
    var entries: [Entry] = []
    var head = 0

    var first: Entry? { head < entries.count ? entries[head] : nil }

    mutating func removeFirst() {
      head += 1
      if head == entries.count {
        entries.removeAll(keepingCapacity: true)
        head = 0
      } else if head >= 1024, head * 2 >= entries.count {
        // Compact now and then, so answered calls behind a slow one do not pile up unboundedly.
        entries.removeFirst(head)
        head = 0
      }
    }

    mutating func append(_ entry: Entry, isPending: (Int32) -> Bool) {
      while let first, !isPending(first.streamID) { removeFirst() }
      entries.append(entry)
    }

    mutating func removeExpired(
      now: NIODeadline, isPending: (Int32) -> Bool, into expired: inout [Int32]
    ) {
      while let first {
        if !isPending(first.streamID) {
          removeFirst()
        } else if first.deadline <= now {
          expired.append(first.streamID)
          removeFirst()
        } else {
          return
        }
      }
    }
  }

  /// By timeout in nanoseconds.
  private var queues: [Int64: Queue] = [:]

  /// The earliest deadline among the queues' heads.
  var earliest: NIODeadline? {
    queues.values.lazy.compactMap(\.first?.deadline).min()
  }

  /// Queues a call; answered calls at the head of its queue are dropped on the way.
  mutating func add(_ entry: Entry, timeout: TimeAmount, isPending: (Int32) -> Bool) {
    // In place (the subscript's modify accessor): no copy of the queue's storage.
    queues[timeout.nanoseconds, default: Queue()].append(entry, isPending: isPending)
  }

  /// Removes the heads that are answered or due at `now`; returns the due pending calls' ids.
  mutating func removeExpired(now: NIODeadline, isPending: (Int32) -> Bool) -> [Int32] {
    var expired: [Int32] = []
    for key in Array(queues.keys) {
      queues[key]?.removeExpired(now: now, isPending: isPending, into: &expired)
      if queues[key]?.first == nil { queues[key] = nil }
    }
    return expired
  }

  mutating func removeAll() {
    queues.removeAll()
  }
}
