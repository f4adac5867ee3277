internal import GRPCCore
import Synchronization

/// Gathers the response of one lean unary call (``NGHTTP2ClientTransport/unary(descriptor:metadata:message:timeout:)``)
/// on the connection's event loop and resumes its caller once, with the same outcomes as
/// GRPCCore's unary client: exactly one message and an OK status, else an `RPCError` built
/// from the status and trailers.
final class UnaryResponseCollector: Sendable {
  private struct State: ~Copyable {
    var continuation: CheckedContinuation<NGHTTP2UnaryResponse, any Error>?
    var outcome: Result<NGHTTP2UnaryResponse, RPCError>?
  }

  private struct Parts {
    var metadata = Metadata()
    var message: [UInt8]?
    var extraMessage = false
  }

  // The caller installs its continuation while the event loop may already finish (a
  // cancellation posted before the request): both sides meet under this lock.
  private let state = Mutex(State())
  // Only touched on the connection's event loop.
  private nonisolated(unsafe) var parts = Parts()

  /// Called on the event loop with the initial metadata and each message.
  func receive(_ part: RPCResponsePart<[UInt8]>) {
    switch part {
    case .metadata(let metadata):
      self.parts.metadata = metadata
    case .message(let message):
      if self.parts.message == nil {
        self.parts.message = message
      } else {
        self.parts.extraMessage = true
      }
    case .status:
      break
    }
  }

  /// Called on the event loop, once, with the final status or the failure.
  func finish(_ result: Result<RPCResponsePart<[UInt8]>, RPCError>) {
    let outcome: Result<NGHTTP2UnaryResponse, RPCError>
    switch result {
    case .failure(let error):
      outcome = .failure(error)
    case .success(.status(let status, let trailers)):
      if let error = RPCError(status: status, metadata: trailers) {
        outcome = .failure(error)
      } else if self.parts.extraMessage {
        outcome = .failure(
          RPCError(
            code: .unimplemented,
            message: "Multiple messages received, but only one is expected."))
      } else if let message = self.parts.message {
        outcome = .success(
          NGHTTP2UnaryResponse(message: message, metadata: self.parts.metadata, trailers: trailers))
      } else {
        outcome = .failure(
          RPCError(code: .unimplemented, message: "No messages received, exactly one was expected.")
        )
      }
    case .success:
      outcome = .failure(
        RPCError(code: .internalError, message: "The stream ended without a status."))
    }
    self.parts = Parts()
    let continuation = self.state.withLock { state in
      guard let continuation = state.continuation else {
        state.outcome = outcome
        return nil as CheckedContinuation<NGHTTP2UnaryResponse, any Error>?
      }
      state.continuation = nil
      return continuation
    }
    continuation?.resume(with: outcome.mapError { $0 as any Error })
  }

  /// Called by the caller's task: resumed at once when the outcome is already known.
  func install(_ continuation: CheckedContinuation<NGHTTP2UnaryResponse, any Error>) {
    let outcome = self.state.withLock { state in
      guard let outcome = state.outcome else {
        state.continuation = continuation
        return nil as Result<NGHTTP2UnaryResponse, RPCError>?
      }
      state.outcome = nil
      return outcome
    }
    if let outcome { continuation.resume(with: outcome.mapError { $0 as any Error }) }
  }
}
