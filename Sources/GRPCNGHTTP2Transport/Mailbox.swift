internal import NIOCore
import Synchronization

/// What a connection handler does with mail posted from other threads.
protocol MailboxSink: AnyObject, SendableMetatype {
  associatedtype Mail: Sendable
  /// Called on the event loop with everything posted since the last call, in order.
  func process(_ mail: [Mail])
  /// Called with mail that arrived after the connection went away, so its senders can be failed.
  static func undeliverable(_ mail: [Mail])
}

/// Hands work from async tasks (RPC handlers, callers) to a connection's event loop.
///
/// Posting appends under a lock and schedules one event-loop task only if none is pending, so
/// a burst of writes from many streams costs one hop and ends in one socket write+flush.
final class Mailbox<Sink: MailboxSink>: Sendable {
  private struct State: ~Copyable {
    var mail: [Sink.Mail] = []
    var scheduled = false
  }

  let eventLoop: any EventLoop
  private let state = Mutex(State())
  /// Only read and written on `eventLoop`; cleared when the connection goes away so the
  /// handler/mailbox cycle breaks and late mail is dropped.
  private nonisolated(unsafe) var sink: Sink?

  init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  /// Must be called on the event loop.
  func attach(_ sink: Sink) {
    self.eventLoop.preconditionInEventLoop()
    self.sink = sink
  }

  /// Must be called on the event loop.
  func detach() {
    self.eventLoop.preconditionInEventLoop()
    self.sink = nil
  }

  func post(_ mail: Sink.Mail) {
    let schedule = self.state.withLock { state -> Bool in
      state.mail.append(mail)
      if state.scheduled { return false }
      state.scheduled = true
      return true
    }
    if schedule {
      self.eventLoop.execute { self.deliver() }
    }
  }

  private func deliver() {
    let mail = self.state.withLock { state -> [Sink.Mail] in
      state.scheduled = false
      let mail = state.mail
      state.mail = []
      state.mail.reserveCapacity(mail.count)
      return mail
    }
    if let sink = self.sink {
      sink.process(mail)
    } else {
      Sink.undeliverable(mail)
    }
  }
}
