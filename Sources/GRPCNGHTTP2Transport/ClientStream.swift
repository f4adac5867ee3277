internal import GRPCCore
internal import NIOCore
import Synchronization

/// One client-side RPC: the event-loop state its connection handler keeps plus the
/// cross-thread pieces its caller's task touches.
///
/// `@unchecked Sendable`: the `var`s are only touched on the connection's event loop; the
/// caller's task posts mail instead. `source` is itself thread-safe.
final class ClientStream: @unchecked Sendable {
  let descriptor: MethodDescriptor
  let gate: OutboundGate
  let mailbox: Mailbox<ClientConnectionHandler>
  let source: InboundQueue<RPCResponsePart<[UInt8]>>
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
  var pending: ByteBuffer
  var requestEnded = false
  var dataDeferred = false
  var cancelled = false

  init(
    descriptor: MethodDescriptor,
    maxMessageSize: Int,
    mailbox: Mailbox<ClientConnectionHandler>,
    source: InboundQueue<RPCResponsePart<[UInt8]>>
  ) {
    self.descriptor = descriptor
    self.deframer = GRPCMessageDeframer(maxMessageSize: maxMessageSize)
    self.mailbox = mailbox
    self.source = source
    self.gate = OutboundGate(limit: 256 * 1024)
    self.pending = ByteBufferAllocator().buffer(capacity: 0)
  }

  /// Delivers the final part (or error) exactly once.
  func finishResponse(_ result: Result<RPCResponsePart<[UInt8]>, RPCError>) {
    guard !self.responseFinished else { return }
    self.responseFinished = true
    switch result {
    case .success(let part):
      self.source.yield(part)
      self.source.finish()
    case .failure(let error):
      self.source.finish(error)
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
