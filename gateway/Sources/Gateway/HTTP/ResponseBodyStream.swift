import Synchronization

/// A response body produced while it is being sent (G13 CSV downloads): HTTP/1.1 writes it
/// with chunked encoding as the chunks come; HTTP/2 gathers it. One chunk is handed over at
/// a time, so a slow client holds back the producer (and its RPC) instead of filling memory.
public final class ResponseBodyStream: Sendable {
  private struct State {
    /// A chunk given back with ``unread(_:)``: it comes before everything else.
    var front: [UInt8]?
    var chunk: [UInt8]?
    var finished = false
    var failure: (any Error)?
    var consumer: CheckedContinuation<[UInt8]?, any Error>?
    var producer: CheckedContinuation<Void, Never>?
  }

  private let state = Mutex(State())
  private let onCancel = Mutex<(@Sendable () -> Void)?>(nil)

  init() {}

  /// What ``cancel()`` does besides releasing the producer (e.g. cancel the producing RPC).
  func setOnCancel(_ action: @escaping @Sendable () -> Void) {
    onCancel.withLock { $0 = action }
  }

  /// Puts a chunk that was taken with ``next()`` back in front of the stream.
  func unread(_ chunk: [UInt8]) {
    state.withLock { $0.front = chunk }
  }

  /// Producer: hands `chunk` over; returns once the consumer has taken it (or gave up).
  func send(_ chunk: [UInt8]) async {
    await withCheckedContinuation { (producer: CheckedContinuation<Void, Never>) in
      enum Action {
        case deliver(CheckedContinuation<[UInt8]?, any Error>)
        case wait
        case drop
      }
      let action = state.withLock { state -> Action in
        if state.finished { return .drop }
        if let consumer = state.consumer {
          state.consumer = nil
          return .deliver(consumer)
        }
        state.chunk = chunk
        state.producer = producer
        return .wait
      }
      switch action {
      case .deliver(let consumer):
        consumer.resume(returning: chunk)
        producer.resume()
      case .drop:
        producer.resume()
      case .wait:
        break
      }
    }
  }

  /// Producer: the end (or a failure) after the chunks sent so far.
  func finish(error: (any Error)? = nil) {
    let (consumer, producer) = state.withLock {
      state -> (CheckedContinuation<[UInt8]?, any Error>?, CheckedContinuation<Void, Never>?) in
      guard !state.finished else { return (nil, nil) }
      state.finished = true
      state.failure = error
      defer {
        state.consumer = nil
        state.producer = nil
      }
      return (state.chunk == nil ? state.consumer : nil, state.producer)
    }
    if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    producer?.resume()
  }

  /// Consumer: the next chunk, or `nil` at the end.
  func next() async throws -> [UInt8]? {
    try await withCheckedThrowingContinuation { consumer in
      enum Action {
        case chunk([UInt8], CheckedContinuation<Void, Never>?)
        case end((any Error)?)
        case wait
      }
      let action = state.withLock { state -> Action in
        if let front = state.front {
          state.front = nil
          return .chunk(front, nil)
        }
        if let chunk = state.chunk {
          state.chunk = nil
          let producer = state.producer
          state.producer = nil
          return .chunk(chunk, producer)
        }
        if state.finished { return .end(state.failure) }
        state.consumer = consumer
        return .wait
      }
      switch action {
      case .chunk(let chunk, let producer):
        producer?.resume()
        consumer.resume(returning: chunk)
      case .end(let error):
        if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
      case .wait:
        break
      }
    }
  }

  /// Consumer: stop; the producer is released and told to stop.
  func cancel() {
    finish(error: CancellationError())
    onCancel.withLock { $0 }?()
  }

  /// Every remaining chunk, concatenated (HTTP/2, where the body is sent whole).
  func collect() async throws -> [UInt8] {
    var bytes: [UInt8] = []
    while let chunk = try await next() { bytes.append(contentsOf: chunk) }
    return bytes
  }
}
