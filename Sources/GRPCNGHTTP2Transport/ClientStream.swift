internal import GRPCCore
internal import NIOCore
import Synchronization

/// One client-side RPC: the event-loop state its connection handler keeps plus the
/// cross-thread pieces its caller's task touches.
///
/// `@unchecked Sendable`: the `var`s are only touched on the connection's event loop; the
/// caller's task posts mail instead. `source` is itself thread-safe.
final class ClientStream: @unchecked Sendable {
  /// Where the response parts go: GRPCCore's inbound sequence, or the one waiting caller of
  /// ``NGHTTP2ClientTransport/unary(descriptor:metadata:message:timeout:)``.
  enum Sink {
    case queue(InboundQueue<RPCResponsePart<[UInt8]>>)
    case unary(UnaryResponseCollector)
  }

  let descriptor: MethodDescriptor
  let gate: OutboundGate
  let mailbox: Mailbox<ClientConnectionHandler>
  let sink: Sink
  /// Set once the stream is closed for good, so the caller can skip a needless reset.
  let isFinished = Atomic<Bool>(false)

  var streamID: Int32 = 0
  var deframer: GRPCMessageDeframer
  var producing = true
  var unconsumed = 0
  /// The response ended (status delivered or failure); nothing more goes to `source`.
  var responseFinished = false

  // Response headers as they arrive.
  var httpStatus: Int?
  var contentType: String?
  var grpcStatus: Int?
  var grpcMessage: String?
  var metadata = Metadata()
  var receivedHeaders = false

  // Request side.
  var pending = OutboundMessageQueue()
  var requestEnded = false
  var dataDeferred = false
  var cancelled = false

  init(
    descriptor: MethodDescriptor,
    maxMessageSize: Int,
    mailbox: Mailbox<ClientConnectionHandler>,
    sink: Sink
  ) {
    self.descriptor = descriptor
    self.deframer = GRPCMessageDeframer(maxMessageSize: maxMessageSize)
    self.mailbox = mailbox
    self.sink = sink
    self.gate = OutboundGate(limit: 256 * 1024)
  }

  /// Hands a response part (initial metadata or a message) to the caller. Returns false when
  /// the caller's buffer is full (stop opening the stream window until it asks for more).
  func yieldResponse(_ part: RPCResponsePart<[UInt8]>) -> Bool {
    switch self.sink {
    case .queue(let queue): return queue.yield(part)
    case .unary(let collector):
      collector.receive(part)
      return true
    }
  }

  /// Delivers the final part (or error) exactly once.
  func finishResponse(_ result: Result<RPCResponsePart<[UInt8]>, RPCError>) {
    guard !self.responseFinished else { return }
    self.responseFinished = true
    switch self.sink {
    case .queue(let queue):
      switch result {
      case .success(let part):
        queue.yield(part)
        queue.finish()
      case .failure(let error):
        queue.finish(error)
      }
    case .unary(let collector):
      collector.finish(result)
    }
  }
}

/// The request half of a client stream, as GRPCCore writes it.
struct ClientStreamWriter: ClosableRPCWriterProtocol {
  typealias Element = RPCRequestPart<[UInt8]>

  let stream: ClientStream

  func write(_ element: RPCRequestPart<[UInt8]>) async throws {
    switch element {
    case .metadata(let metadata):
      self.stream.mailbox.post(.open(self.stream, metadata))
    case .message(let bytes):
      try await self.stream.gate.admit(bytes.count + 5)
      self.stream.mailbox.post(.message(self.stream, bytes))
    }
  }

  func write(contentsOf elements: some Sequence<RPCRequestPart<[UInt8]>>) async throws {
    for element in elements {
      try await self.write(element)
    }
  }

  func finish() async {
    self.stream.mailbox.post(.end(self.stream))
  }

  func finish(throwing error: any Error) async {
    self.stream.mailbox.post(.cancel(self.stream))
  }
}
