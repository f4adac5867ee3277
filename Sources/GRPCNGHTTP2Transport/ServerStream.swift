internal import GRPCCore
internal import NIOCore
import Synchronization

/// One server-side RPC: the state its connection handler keeps on the event loop plus the
/// few cross-thread pieces (write gate, cancellation handle) the handler's task touches.
///
/// `@unchecked Sendable`: the `var`s below are read and written only on the connection's event
/// loop (the writer posts mail instead of touching them); cross-thread state is in `Mutex`es.
final class ServerStream: @unchecked Sendable {
  enum ResponseState {
    /// Nothing sent yet.
    case idle
    /// Response HEADERS submitted; DATA may follow.
    case headersSent
    /// Status (trailers or trailers-only) submitted; later writes are dropped.
    case ended
  }

  private enum Cancellation {
    case pending
    case handle(ServerContext.RPCCancellationHandle)
    case cancelled
  }

  let streamID: Int32
  let gate: OutboundGate
  let mailbox: Mailbox<ServerConnectionHandler>
  private let cancellation = Mutex(Cancellation.pending)
  private let task = Mutex<(task: Task<Void, Never>?, cancelRequested: Bool)>((nil, false))

  // Request headers as they arrive.
  var method: String?
  var path: String?
  var contentType: String?
  var grpcEncoding: String?
  var authority: String?
  var metadata = Metadata()
  var invalidHeader: String?
  /// Set when the request is not gRPC and goes to the connection's ``HTTP2PlainResponder``.
  var plain: PlainExchange?

  // Inbound messages.
  var deframer: GRPCMessageDeframer
  var source: InboundQueue<RPCRequestPart<[UInt8]>>?
  var producing = true
  var unconsumed = 0
  var requestEnded = false

  // Outbound response.
  var responseState = ResponseState.idle
  var pending = OutboundMessageQueue()
  var trailers: HeaderBlock?
  var dataDeferred = false

  init(
    streamID: Int32, maxMessageSize: Int, mailbox: Mailbox<ServerConnectionHandler>,
    allocator: ByteBufferAllocator
  ) {
    self.streamID = streamID
    self.deframer = GRPCMessageDeframer(maxMessageSize: maxMessageSize)
    self.mailbox = mailbox
    self.gate = OutboundGate(limit: 256 * 1024)
  }

  /// Called from the RPC's task once GRPCCore's cancellation handle exists.
  func setCancellationHandle(_ handle: ServerContext.RPCCancellationHandle) {
    let alreadyCancelled = self.cancellation.withLock { state -> Bool in
      switch state {
      case .pending:
        state = .handle(handle)
        return false
      case .handle:
        return false
      case .cancelled:
        return true
      }
    }
    if alreadyCancelled { handle.cancel() }
  }

  /// Records the RPC's task so a cancellation (which may already have happened) can reach it.
  func attach(_ task: Task<Void, Never>) {
    let cancelNow = self.task.withLock { state -> Bool in
      state.task = task
      return state.cancelRequested
    }
    if cancelNow { task.cancel() }
  }

  /// Cancels the handler's task (deadline or peer reset).
  func cancelTask() {
    let task = self.task.withLock { state -> Task<Void, Never>? in
      state.cancelRequested = true
      return state.task
    }
    task?.cancel()
  }

  /// The RPC's task finished; drop the reference.
  func detachTask() {
    self.task.withLock { $0.task = nil }
  }

  /// Whether `cancelRPC()` ran, i.e. the peer (not a deadline) ended the RPC.
  var isCancelledByPeer: Bool {
    self.cancellation.withLock { state in
      if case .cancelled = state { return true }
      return false
    }
  }

  /// The peer reset the stream or the connection died: the handler must stop.
  func cancelRPC() {
    let handle = self.cancellation.withLock { state -> ServerContext.RPCCancellationHandle? in
      switch state {
      case .pending, .cancelled:
        state = .cancelled
        return nil
      case .handle(let handle):
        state = .cancelled
        return handle
      }
    }
    handle?.cancel()
  }
}

/// The response half of a server stream, as GRPCCore writes it.
struct ServerStreamWriter: ClosableRPCWriterProtocol {
  typealias Element = RPCResponsePart<[UInt8]>

  let stream: ServerStream

  func write(_ element: RPCResponsePart<[UInt8]>) async throws {
    if case .message(let bytes) = element {
      try await self.stream.gate.admit(bytes.count + 5)
    }
    self.stream.mailbox.post(.part(self.stream, element))
  }

  func write(contentsOf elements: some Sequence<RPCResponsePart<[UInt8]>>) async throws {
    for element in elements {
      try await self.write(element)
    }
  }

  func finish() async {
    self.stream.mailbox.post(.finish(self.stream, nil))
  }

  func finish(throwing error: any Error) async {
    self.stream.mailbox.post(.finish(self.stream, error))
  }
}
