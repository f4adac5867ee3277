import Foundation

/// Runs blocking work (waiting for a child process, reading its pipes) on a thread of its own.
///
/// Swift's cooperative pool has one thread per core: two cores here. A test that blocks one
/// of them while its child process talks to a server in this same test process (whose
/// handlers need a cooperative thread) can stall every test of the run, or deadlock it.
/// Dispatch's global queues are no way out on Linux: Swift's global executor runs on the same
/// worker threads, so two blocked waits there froze the whole test process until a child gave
/// up (seen: every test stalled 60 s until curl's `--max-time`, and a 16-minute hang while
/// `maac-admin-provision` waited for the in-process admin center). A dedicated thread per wait
/// shares nothing with the executor.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T)
  async throws -> T
{
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      continuation.resume(with: Result { try work() })
    }
    thread.name = "maac-test-blocking-wait"
    thread.start()
  }
}
