import Dispatch

/// Runs blocking work (waiting for a child process, reading its pipes) on a Dispatch thread.
///
/// Swift's cooperative pool has one thread per core: two cores here. A test that blocks one
/// of them while its child process talks to a server in this same test process (whose
/// handlers need a cooperative thread) can stall every test of the run, or deadlock it.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T)
  async throws -> T
{
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async {
      continuation.resume(with: Result { try work() })
    }
  }
}
