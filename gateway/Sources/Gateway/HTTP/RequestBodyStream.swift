import Synchronization

/// The body of a request whose route streams it (G13 CSV uploads, up to 100 MiB): chunks in
/// arrival order, with back-pressure. The connection stops reading from the socket while more
/// than ``highWater`` bytes wait unread, and reads again below ``lowWater``.
public final class RequestBodyStream: AsyncSequence, Sendable {
  public typealias Element = [UInt8]

  private struct State {
    var chunks: [[UInt8]] = []
    var head = 0
    var buffered = 0
    var finished = false
    var failure: (any Error)?
    var waiter: CheckedContinuation<[UInt8]?, any Error>?
    var paused = false
  }

  private let state = Mutex(State())
  private let onResume: @Sendable () -> Void
  let highWater: Int
  let lowWater: Int

  /// - Parameter onResume: called (from the consumer's task) when a paused producer may read
  ///   again.
  init(
    highWater: Int = 4 << 20, lowWater: Int = 1 << 20,
    onResume: @escaping @Sendable () -> Void = {}
  ) {
    self.highWater = highWater
    self.lowWater = lowWater
    self.onResume = onResume
  }

  /// A finished stream holding `bytes` (a body that was buffered anyway, e.g. over h2c).
  static func complete(_ bytes: [UInt8]) -> RequestBodyStream {
    let stream = RequestBodyStream()
    if !bytes.isEmpty { _ = stream.yield(bytes) }
    stream.finish()
    return stream
  }

  /// Producer: appends a chunk. Returns true when the producer should stop reading until
  /// `onResume` is called.
  func yield(_ bytes: [UInt8]) -> Bool {
    let (waiter, pause) = state.withLock {
      state -> (CheckedContinuation<[UInt8]?, any Error>?, Bool) in
      guard !state.finished else { return (nil, false) }
      if let waiter = state.waiter {
        state.waiter = nil
        return (waiter, false)
      }
      state.chunks.append(bytes)
      state.buffered += bytes.count
      if state.buffered > highWater, !state.paused {
        state.paused = true
        return (nil, true)
      }
      return (nil, false)
    }
    waiter?.resume(returning: bytes)
    return pause
  }

  /// Producer: no more chunks; `error` fails the consumer after the buffered chunks.
  func finish(error: (any Error)? = nil) {
    let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
      guard !state.finished else { return nil }
      state.finished = true
      state.failure = error
      defer { state.waiter = nil }
      return state.waiter
    }
    if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
  }

  /// Consumer: the next chunk, or `nil` at the end.
  func next() async throws -> [UInt8]? {
    try await withCheckedThrowingContinuation { continuation in
      enum Outcome {
        case chunk([UInt8], resume: Bool)
        case end((any Error)?)
        case wait
      }
      let outcome = state.withLock { state -> Outcome in
        if state.head < state.chunks.count {
          let chunk = state.chunks[state.head]
          state.chunks[state.head] = []
          state.head += 1
          if state.head == state.chunks.count {
            state.chunks.removeAll(keepingCapacity: true)
            state.head = 0
          }
          state.buffered -= chunk.count
          var resume = false
          if state.paused, state.buffered < lowWater {
            state.paused = false
            resume = true
          }
          return .chunk(chunk, resume: resume)
        }
        if state.finished { return .end(state.failure) }
        state.waiter = continuation
        return .wait
      }
      switch outcome {
      case .chunk(let chunk, let resume):
        if resume { onResume() }
        continuation.resume(returning: chunk)
      case .end(let error):
        if let error {
          continuation.resume(throwing: error)
        } else {
          continuation.resume(returning: nil)
        }
      case .wait:
        break
      }
    }
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    let stream: RequestBodyStream
    public mutating func next() async throws -> [UInt8]? { try await stream.next() }
  }

  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}

/// The connection closed before the streamed body ended.
struct RequestBodyInterrupted: Error {}
