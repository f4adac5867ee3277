import Foundation

/// A serial executor that runs every job on one dedicated OS thread.
///
/// Each ``PostgresConnection`` is an actor on its own executor, so libpq's blocking calls
/// block only that connection's thread — never a SwiftNIO event loop and never a thread of
/// Swift's cooperative pool.
final class PostgresThreadExecutor: SerialExecutor, @unchecked Sendable {
  // Guarded by `condition`.
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var head = 0
  private var stopping = false
  private var thread: pthread_t?

  init(name: String) {
    let thread = Thread { [self] in self.run() }
    thread.name = name
    thread.start()
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    condition.signal()
    condition.unlock()
  }

  func asUnownedSerialExecutor() -> UnownedSerialExecutor {
    UnownedSerialExecutor(ordinary: self)
  }

  /// Lets the thread exit once the queued jobs have run.
  func shutdown() {
    condition.lock()
    stopping = true
    condition.signal()
    condition.unlock()
  }

  /// Whether the caller runs on this executor's thread.
  var isCurrentThread: Bool {
    condition.lock()
    defer { condition.unlock() }
    guard let thread else { return false }
    return pthread_equal(thread, pthread_self()) != 0
  }

  private func run() {
    condition.lock()
    thread = pthread_self()
    condition.unlock()
    while true {
      condition.lock()
      while head == jobs.count && !stopping { condition.wait() }
      if head == jobs.count {
        condition.unlock()
        return
      }
      let job = jobs[head]
      head += 1
      if head > 1024 && head * 2 > jobs.count {
        jobs.removeFirst(head)
        head = 0
      }
      condition.unlock()
      job.runSynchronously(on: asUnownedSerialExecutor())
    }
  }
}
