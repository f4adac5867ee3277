import NIOCore

/// A Swift concurrency task executor that runs jobs on one SwiftNIO event loop.
///
/// A request's task prefers the executor of the connection's event loop, so the request is
/// decoded, handled and answered on one thread: without it every request hopped event loop →
/// cooperative pool → event loop, waking a pool thread each time (futex wake-ups and context
/// switches were a large share of the gateway's CPU per request). Jobs must not block, as
/// everything on an event loop.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
  // @unchecked: `loop` is immutable and EventLoop is Sendable; the class holds nothing else.
  let loop: any EventLoop

  init(_ loop: any EventLoop) { self.loop = loop }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
