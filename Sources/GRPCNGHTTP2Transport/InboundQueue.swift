internal import GRPCCore
import Synchronization

/// The message sequence one stream hands to GRPCCore: the event loop yields parts and the
/// RPC's task awaits them.
///
/// A plain lock-plus-continuation queue, specialised in this module (NIO's generic
/// `NIOThrowingAsyncSequenceProducer` spent much of a unary RPC instantiating generic
/// metadata). Back-pressure: `yield` reports when `highWatermark` parts are buffered; once
/// the reader has drained below `lowWatermark`, `onDemand` asks the event loop to reopen
/// the HTTP/2 stream window.
final class InboundQueue<Element: Sendable>: Sendable {
  private struct State: ~Copyable {
    var buffer: [Element] = []
    var head = 0
    var waiter: CheckedContinuation<Element?, any Error>?
    var end: Result<Void, any Error>?
    var demandPaused = false
  }

  private let state = Mutex(State())
  private let lowWatermark = 2
  private let highWatermark = 8
  private let onDemand: @Sendable () -> Void
  private let cancellationError: @Sendable () -> any Error

  /// - Parameters:
  ///   - cancellationError: What a reader whose task is cancelled while waiting gets.
  ///   - onDemand: Called (on the reader's thread) when a paused queue drained enough.
  init(
    cancellationError: @escaping @Sendable () -> any Error = { CancellationError() },
    onDemand: @escaping @Sendable () -> Void
  ) {
    self.cancellationError = cancellationError
    self.onDemand = onDemand
  }

  /// Adds a part. Returns false once the buffer is full: stop opening the window until
  /// `onDemand` fires.
  @discardableResult
  func yield(_ element: Element) -> Bool {
    let (waiter, keepProducing) = self.state.withLock {
      state -> (CheckedContinuation<Element?, any Error>?, Bool) in
      if state.end != nil { return (nil, true) }
      if let waiter = state.waiter {
        state.waiter = nil
        return (waiter, true)
      }
      state.buffer.append(element)
      let buffered = state.buffer.count - state.head
      if buffered >= self.highWatermark {
        state.demandPaused = true
        return (nil, false)
      }
      return (nil, true)
    }
    waiter?.resume(returning: element)
    return keepProducing
  }

  /// Ends the sequence after the buffered parts, normally or with `error`.
  func finish(_ error: (any Error)? = nil) {
    let waiter = self.state.withLock { state -> CheckedContinuation<Element?, any Error>? in
      if state.end != nil { return nil }
      state.end = error.map { .failure($0) } ?? .success(())
      let waiter = state.waiter
      state.waiter = nil
      return waiter
    }
    if let waiter {
      if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }
  }

  private enum Next {
    case element(Element, demand: Bool)
    case end(Result<Void, any Error>)
    case wait
  }

  func next() async throws -> Element? {
    switch self.takeNext() {
    case .element(let element, let demand):
      if demand { self.onDemand() }
      return element
    case .end(let result):
      try result.get()
      return nil
    case .wait:
      return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation {
          (continuation: CheckedContinuation<Element?, any Error>) in
          let immediate = self.state.withLock { state -> Next in
            let next = Self.take(&state, lowWatermark: self.lowWatermark)
            if case .wait = next { state.waiter = continuation }
            return next
          }
          switch immediate {
          case .element(let element, let demand):
            if demand { self.onDemand() }
            continuation.resume(returning: element)
          case .end(.success):
            continuation.resume(returning: nil)
          case .end(.failure(let error)):
            continuation.resume(throwing: error)
          case .wait:
            break
          }
        }
      } onCancel: {
        let waiter = self.state.withLock { state in
          let waiter = state.waiter
          state.waiter = nil
          return waiter
        }
        waiter?.resume(throwing: self.cancellationError())
      }
    }
  }

  private func takeNext() -> Next {
    self.state.withLock { Self.take(&$0, lowWatermark: self.lowWatermark) }
  }

  private static func take(_ state: inout State, lowWatermark: Int) -> Next {
    if state.head < state.buffer.count {
      let element = state.buffer[state.head]
      state.head += 1
      if state.head == state.buffer.count {
        state.buffer.removeAll(keepingCapacity: true)
        state.head = 0
      }
      var demand = false
      if state.demandPaused && state.buffer.count - state.head < lowWatermark {
        state.demandPaused = false
        demand = true
      }
      return .element(element, demand: demand)
    }
    if let end = state.end { return .end(end) }
    return .wait
  }
}

/// The server's request parts as GRPCCore reads them. Deliberately non-generic: GRPCCore calls
/// it through an existential, and a concrete type lets the queue's code be specialised.
struct ServerInboundSequence: AsyncSequence, Sendable {
  typealias Element = RPCRequestPart<[UInt8]>
  let queue: InboundQueue<RPCRequestPart<[UInt8]>>

  struct AsyncIterator: AsyncIteratorProtocol {
    let queue: InboundQueue<RPCRequestPart<[UInt8]>>

    mutating func next() async throws -> RPCRequestPart<[UInt8]>? {
      try await self.queue.next()
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(queue: self.queue)
  }
}

/// The client's response parts as GRPCCore reads them (non-generic for the same reason).
struct ClientInboundSequence: AsyncSequence, Sendable {
  typealias Element = RPCResponsePart<[UInt8]>
  let queue: InboundQueue<RPCResponsePart<[UInt8]>>

  struct AsyncIterator: AsyncIteratorProtocol {
    let queue: InboundQueue<RPCResponsePart<[UInt8]>>

    mutating func next() async throws -> RPCResponsePart<[UInt8]>? {
      try await self.queue.next()
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(queue: self.queue)
  }
}
