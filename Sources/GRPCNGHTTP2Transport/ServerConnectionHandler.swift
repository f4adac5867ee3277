internal import CNGHTTP2
internal import GRPCCore
internal import NIOCore

/// A new RPC, handed from a connection's event loop to the server transport's task group.
struct AcceptedServerStream: Sendable {
  let rpc:
    RPCStream<
      RPCAsyncSequence<RPCRequestPart<[UInt8]>, any Error>,
      RPCWriter<RPCResponsePart<[UInt8]>>.Closable
    >
  let stream: ServerStream
  let remotePeer: String
  let localPeer: String
}

/// Runs one server HTTP/2 connection: owns its nghttp2 session and its streams, on the
/// channel's event loop.
final class ServerConnectionHandler: ChannelInboundHandler, NGHTTP2SessionDelegate, MailboxSink {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  enum Mail: Sendable {
    case part(ServerStream, RPCResponsePart<[UInt8]>)
    case finish(ServerStream, (any Error)?)
    case produceMore(ServerStream)
    case gracefulShutdown
    /// Close now, failing every open RPC (the server's `listen` task was cancelled).
    case forceClose
    /// The ``HTTP2PlainResponder``'s answer to a non-gRPC request.
    case plainResponse(ServerStream, HTTP2PlainResponse)
  }

  struct Configuration {
    var maxReceiveMessageSize: Int
    var maxConcurrentStreams: Int?
    var keepalive: NGHTTP2Keepalive?
    var idleTimeout: Duration?
    var initialStreamWindowSize: Int
    var plainResponder: (any HTTP2PlainResponder)?
    var maxPlainRequestBodySize: Int
  }

  private enum Shutdown {
    case running
    /// GOAWAY(2^31-1) and a PING sent; the final GOAWAY follows the PING ACK, so streams
    /// the client opened before it saw the notice are still accepted.
    case noticeSent
    case goAwaySent
  }

  let configuration: Configuration
  private let onStream: @Sendable (AcceptedServerStream) -> Void
  let mailbox: Mailbox<ServerConnectionHandler>
  private(set) var session: NGHTTP2Session!
  private var context: ChannelHandlerContext?
  private(set) var streams: [Int32: ServerStream] = [:]
  private var shutdown = Shutdown.running
  private(set) var remotePeer = ""
  private var localPeer = ""
  private var idleTask: Scheduled<Void>?
  private var keepaliveTask: RepeatedTask?
  private var pingTimeoutTask: Scheduled<Void>?
  private var inRead = false
  private var closed = false

  init(
    configuration: Configuration,
    eventLoop: any EventLoop,
    onStream: @escaping @Sendable (AcceptedServerStream) -> Void
  ) {
    self.configuration = configuration
    self.onStream = onStream
    self.mailbox = Mailbox(eventLoop: eventLoop)
  }

  // MARK: Channel events

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.mailbox.attach(self)
    self.session = NGHTTP2Session(role: .server, delegate: self)
    self.remotePeer = PeerDescription.describe(context.channel.remoteAddress)
    self.localPeer = PeerDescription.describe(context.channel.localAddress)
    self.session.submitSettings(
      .init(
        maxConcurrentStreams: self.configuration.maxConcurrentStreams.map { UInt32(clamping: $0) },
        initialWindowSize: UInt32(clamping: self.configuration.initialStreamWindowSize),
        maxHeaderListSize: 16 * 1024,
        connectionWindowSize: Int32(
          clamping: max(self.configuration.initialStreamWindowSize, 8 * 1024 * 1024))
      )
    )
    if context.channel.isActive {
      self.startTimers(context: context)
      self.flush()
    }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.remotePeer = PeerDescription.describe(context.channel.remoteAddress)
    self.localPeer = PeerDescription.describe(context.channel.localAddress)
    self.startTimers(context: context)
    self.flush()
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = self.unwrapInboundIn(data)
    self.inRead = true
    let ok = self.session.receive(buffer)
    self.inRead = false
    if !ok {
      // nghttp2 has queued a GOAWAY explaining the protocol error; send it, then hang up.
      self.flush()
      self.close()
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    self.flush()
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.tearDown()
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    self.close()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.tearDown()
    self.context = nil
  }

  // MARK: Output

  /// Writes everything nghttp2 has queued as one buffer and one flush.
  private func flush() {
    guard !self.inRead, let context = self.context, !self.closed else { return }
    var buffer = context.channel.allocator.buffer(capacity: 4096)
    let ok = self.session.drain(into: &buffer)
    if buffer.readableBytes > 0 {
      context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }
    if !ok || !self.session.isAlive || (self.shutdown == .goAwaySent && self.streams.isEmpty) {
      self.close()
    }
  }

  private func close() {
    guard !self.closed, let context = self.context else { return }
    self.closed = true
    context.close(promise: nil)
  }

  private func tearDown() {
    self.idleTask?.cancel()
    self.keepaliveTask?.cancel()
    self.pingTimeoutTask?.cancel()
    self.idleTask = nil
    self.keepaliveTask = nil
    self.pingTimeoutTask = nil
    let streams = self.streams
    self.streams = [:]
    for stream in streams.values {
      self.abort(stream, error: RPCError(code: .unavailable, message: "The connection was closed."))
    }
    self.mailbox.detach()
  }

  // MARK: Timers

  private func startTimers(context: ChannelHandlerContext) {
    guard self.keepaliveTask == nil else { return }
    if let keepalive = self.configuration.keepalive {
      let interval = TimeAmount(converting: keepalive.interval)
      let loop = context.eventLoop
      let handler = NIOLoopBound(self, eventLoop: loop)
      self.keepaliveTask = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
        handler.value.sendKeepalivePing()
      }
    }
    self.scheduleIdleTimeoutIfIdle()
  }

  private func sendKeepalivePing() {
    guard let keepalive = self.configuration.keepalive, let context = self.context else { return }
    guard keepalive.permitWithoutCalls || !self.streams.isEmpty, self.pingTimeoutTask == nil else {
      return
    }
    self.session.submitPing()
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.pingTimeoutTask = context.eventLoop.scheduleTask(
      in: TimeAmount(converting: keepalive.timeout)
    ) {
      // No PING ACK in time: the peer or the path is dead.
      handler.value.close()
    }
    self.flush()
  }

  private func scheduleIdleTimeoutIfIdle() {
    guard let idleTimeout = self.configuration.idleTimeout, self.streams.isEmpty,
      self.idleTask == nil, let context = self.context
    else { return }
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.idleTask = context.eventLoop.scheduleTask(in: TimeAmount(converting: idleTimeout)) {
      handler.value.idleTimeoutFired()
    }
  }

  private func idleTimeoutFired() {
    self.idleTask = nil
    guard self.streams.isEmpty, self.shutdown != .goAwaySent else { return }
    self.session.submitGoAway(
      lastStreamID: self.session.lastProcessedStreamID, errorCode: NGHTTP2_NO_ERROR.rawValue)
    self.shutdown = .goAwaySent
    self.flush()
  }

  func beginGracefulShutdown() {
    guard self.shutdown == .running, !self.closed else { return }
    self.shutdown = .noticeSent
    nghttp2_submit_shutdown_notice(self.session.pointer)
    self.session.submitPing()
    self.flush()
  }

  // MARK: Mail from RPC tasks

  func process(_ mail: [Mail]) {
    for item in mail {
      switch item {
      case .part(let stream, let part):
        self.write(part, on: stream)
      case .finish(let stream, let error):
        self.finishResponse(stream, error: error)
      case .produceMore(let stream):
        stream.producing = true
        self.session.consumeStream(stream.streamID, stream.unconsumed)
        stream.unconsumed = 0
      case .gracefulShutdown:
        self.beginGracefulShutdown()
      case .forceClose:
        self.close()
      case .plainResponse(let stream, let response):
        self.sendPlainResponse(stream, response)
      }
    }
    self.flush()
  }

  static func undeliverable(_ mail: [Mail]) {
    // Streams were failed when the connection closed; writers already see the closed gate.
  }

  private func write(_ part: RPCResponsePart<[UInt8]>, on stream: ServerStream) {
    let live = self.streams[stream.streamID] === stream && stream.responseState != .ended
    switch part {
    case .metadata(let metadata):
      guard live, stream.responseState == .idle else { return }
      self.sendResponseHeaders(stream, metadata: metadata)

    case .message(let bytes):
      guard live else {
        stream.gate.release(bytes.count + 5)
        return
      }
      if stream.responseState == .idle {
        self.sendResponseHeaders(stream, metadata: [:])
      }
      stream.pending.append(bytes)
      self.resumeIfDeferred(stream)

    case .status(let status, let metadata):
      guard live else { return }
      self.sendStatus(stream, status: status, metadata: metadata)
    }
  }

  private func finishResponse(_ stream: ServerStream, error: (any Error)?) {
    guard self.streams[stream.streamID] === stream, stream.responseState != .ended else { return }
    if error != nil {
      stream.responseState = .ended
      self.session.resetStream(stream.streamID, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
    } else {
      self.sendStatus(
        stream, status: Status(code: .unknown, message: "RPC ended without a status."),
        metadata: [:])
    }
  }

  private func sendResponseHeaders(_ stream: ServerStream, metadata: Metadata) {
    var block = HeaderBlock()
    block.add(":status", "200")
    block.add("content-type", GRPCHeaderNames.contentTypeValue)
    block.add(metadata: metadata)
    var provider = self.session.dataProvider
    block.withNameValuePairs { nva, count in
      _ = nghttp2_submit_response(self.session.pointer, stream.streamID, nva, count, &provider)
    }
    stream.responseState = .headersSent
  }

  private func sendStatus(_ stream: ServerStream, status: Status, metadata: Metadata) {
    switch stream.responseState {
    case .ended:
      return
    case .idle:
      // Trailers-only: one HEADERS frame with END_STREAM.
      var block = HeaderBlock()
      block.add(":status", "200")
      block.add("content-type", GRPCHeaderNames.contentTypeValue)
      Self.addStatus(status, metadata: metadata, to: &block)
      block.withNameValuePairs { nva, count in
        _ = nghttp2_submit_response(self.session.pointer, stream.streamID, nva, count, nil)
      }
    case .headersSent:
      var block = HeaderBlock()
      Self.addStatus(status, metadata: metadata, to: &block)
      stream.trailers = block
      self.resumeIfDeferred(stream)
    }
    stream.responseState = .ended
  }

  private static func addStatus(_ status: Status, metadata: Metadata, to block: inout HeaderBlock) {
    block.add("grpc-status", String(status.code.rawValue))
    if !status.message.isEmpty {
      block.add("grpc-message", bytes: GRPCStatusMessage.encode(status.message))
    }
    block.add(metadata: metadata)
  }

  private func resumeIfDeferred(_ stream: ServerStream) {
    if stream.dataDeferred {
      stream.dataDeferred = false
      self.session.resumeData(stream.streamID)
    }
  }

  /// Answers a request the transport itself rejects, before any handler sees it.
  private func reject(
    _ stream: ServerStream, httpStatus: Int, status: Status, extra: [(String, String)] = []
  ) {
    var block = HeaderBlock()
    block.add(":status", String(httpStatus))
    block.add("content-type", GRPCHeaderNames.contentTypeValue)
    for (name, value) in extra { block.add(name, value) }
    Self.addStatus(status, metadata: [:], to: &block)
    block.withNameValuePairs { nva, count in
      _ = nghttp2_submit_response(self.session.pointer, stream.streamID, nva, count, nil)
    }
    stream.responseState = .ended
  }

  /// Fails a stream the transport can't continue (peer reset, connection gone).
  private func abort(_ stream: ServerStream, error: RPCError) {
    stream.plain?.task?.cancel()
    stream.source?.finish(error)
    stream.source = nil
    stream.gate.close(with: error)
    stream.cancelRPC()
  }

  // MARK: nghttp2 callbacks

  func sessionBeginHeaders(streamID: Int32, category: nghttp2_headers_category) -> Int32 {
    if category == NGHTTP2_HCAT_REQUEST {
      let stream = ServerStream(
        streamID: streamID,
        maxMessageSize: self.configuration.maxReceiveMessageSize,
        mailbox: self.mailbox,
        allocator: self.context?.channel.allocator ?? ByteBufferAllocator()
      )
      self.streams[streamID] = stream
      self.idleTask?.cancel()
      self.idleTask = nil
    }
    return 0
  }

  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    -> Int32
  {
    guard let stream = self.streams[streamID], stream.source == nil, stream.responseState == .idle
    else {
      return 0
    }
    if name.first == UInt8(ascii: ":") {
      if GRPCHeaderNames.equals(name, ":path") {
        stream.path = String(decoding: value, as: UTF8.self)
      } else if GRPCHeaderNames.equals(name, ":method") {
        stream.method = String(decoding: value, as: UTF8.self)
      } else if GRPCHeaderNames.equals(name, ":authority") {
        stream.authority = String(decoding: value, as: UTF8.self)
      }
      return 0
    }
    if GRPCHeaderNames.equals(name, "content-type") {
      stream.contentType = String(decoding: value, as: UTF8.self)
    } else if GRPCHeaderNames.equals(name, "grpc-encoding") {
      stream.grpcEncoding = String(decoding: value, as: UTF8.self)
    } else if GRPCHeaderNames.equals(name, "te")
      || GRPCHeaderNames.equals(name, "grpc-accept-encoding")
    {
      return 0
    } else if GRPCHeaderNames.hasSuffix(name, "-bin") {
      let key = String(decoding: name, as: UTF8.self)
      if let decoded = Base64.decode(value) {
        stream.metadata.addBinary(decoded, forKey: key)
      } else {
        stream.invalidHeader = key
      }
    } else {
      stream.metadata.addString(
        String(decoding: value, as: UTF8.self), forKey: String(decoding: name, as: UTF8.self))
    }
    return 0
  }

  func sessionFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(header.type) {
    case NGHTTP2_HEADERS.rawValue:
      guard let stream = self.streams[header.stream_id] else { return 0 }
      if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
        self.startRPC(stream)
      }
      if endStream { self.endRequest(stream) }
    case NGHTTP2_DATA.rawValue:
      if endStream, let stream = self.streams[header.stream_id] { self.endRequest(stream) }
    case NGHTTP2_PING.rawValue:
      if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
        self.pingTimeoutTask?.cancel()
        self.pingTimeoutTask = nil
        if self.shutdown == .noticeSent {
          self.session.submitGoAway(
            lastStreamID: self.session.lastProcessedStreamID,
            errorCode: NGHTTP2_NO_ERROR.rawValue
          )
          self.shutdown = .goAwaySent
        }
      }
    default:
      break
    }
    return 0
  }

  private func startRPC(_ stream: ServerStream) {
    if self.configuration.plainResponder != nil,
      !(stream.contentType.map(GRPCHeaderNames.isGRPCContentType) ?? false)
    {
      stream.plain = PlainExchange()
      return
    }
    guard stream.method == "POST" else {
      self.reject(
        stream, httpStatus: 405,
        status: Status(
          code: .internalError, message: "gRPC requires POST, got \(stream.method ?? "none")."))
      return
    }
    guard let contentType = stream.contentType, GRPCHeaderNames.isGRPCContentType(contentType)
    else {
      // PROTOCOL-HTTP2.md: a non-gRPC content-type gets HTTP 415 so non-gRPC clients don't
      // read the error as success.
      self.reject(
        stream,
        httpStatus: 415,
        status: Status(
          code: .internalError,
          message: "Invalid gRPC request content-type '\(stream.contentType ?? "")'.")
      )
      return
    }
    guard let path = stream.path, let descriptor = Self.parse(path: path) else {
      self.reject(
        stream, httpStatus: 200,
        status: Status(code: .unimplemented, message: "Malformed :path '\(stream.path ?? "")'."))
      return
    }
    if let encoding = stream.grpcEncoding, encoding != "identity" {
      self.reject(
        stream,
        httpStatus: 200,
        status: Status(
          code: .unimplemented, message: "Message encoding '\(encoding)' is not supported."),
        extra: [("grpc-accept-encoding", "identity")]
      )
      return
    }
    if let invalid = stream.invalidHeader {
      self.reject(
        stream, httpStatus: 200,
        status: Status(code: .internalError, message: "Metadata '\(invalid)' is not valid base64."))
      return
    }

    let mailbox = self.mailbox
    let queue = InboundQueue<RPCRequestPart<[UInt8]>>(onDemand: { [weak stream] in
      if let stream { mailbox.post(.produceMore(stream)) }
    })
    stream.source = queue
    queue.yield(.metadata(stream.metadata))
    stream.metadata = [:]

    let rpc = RPCStream(
      descriptor: descriptor,
      inbound: RPCAsyncSequence<RPCRequestPart<[UInt8]>, any Error>(
        wrapping: ServerInboundSequence(queue: queue)
      ),
      outbound: RPCWriter<RPCResponsePart<[UInt8]>>.Closable(
        wrapping: ServerStreamWriter(stream: stream)
      )
    )
    self.onStream(
      AcceptedServerStream(
        rpc: rpc, stream: stream, remotePeer: self.remotePeer, localPeer: self.localPeer))
  }

  /// `/package.Service/Method` → descriptor; anything else is not a gRPC path.
  static func parse(path: String) -> MethodDescriptor? {
    let utf8 = path.utf8
    guard utf8.first == UInt8(ascii: "/") else { return nil }
    let rest = utf8.dropFirst()
    guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
    let service = rest[rest.startIndex..<slash]
    let method = rest[rest.index(after: slash)...]
    guard !service.isEmpty, !method.isEmpty, !method.contains(UInt8(ascii: "/")) else { return nil }
    return MethodDescriptor(
      fullyQualifiedService: String(decoding: service, as: UTF8.self),
      method: String(decoding: method, as: UTF8.self)
    )
  }

  private func endRequest(_ stream: ServerStream) {
    guard !stream.requestEnded else { return }
    stream.requestEnded = true
    if let exchange = stream.plain {
      self.dispatchPlain(stream, exchange: exchange)
      return
    }
    guard let source = stream.source else { return }
    if stream.deframer.hasPartialMessage {
      source.finish(
        RPCError(code: .internalError, message: "The request ended in the middle of a message."))
      stream.source = nil
      self.sendStatus(
        stream,
        status: Status(
          code: .internalError, message: "The request ended in the middle of a message."),
        metadata: [:])
      stream.cancelRPC()
    } else {
      source.finish()
    }
  }

  func sessionDataChunk(streamID: Int32, data: UnsafeRawBufferPointer) -> Int32 {
    self.session.consumeConnection(data.count)
    let stream = self.streams[streamID]
    if let exchange = stream?.plain {
      exchange.receive(data, limit: self.configuration.maxPlainRequestBodySize)
      self.session.consumeStream(streamID, data.count)
      return 0
    }
    guard let stream, let source = stream.source,
      stream.responseState != .ended
    else {
      self.session.consumeStream(streamID, data.count)
      return 0
    }
    do {
      try stream.deframer.process(data) { message in
        if !source.yield(.message(message)) {
          stream.producing = false
        }
      }
    } catch {
      let status: Status
      switch error {
      case .messageTooLarge(let length, let limit):
        status = Status(
          code: .resourceExhausted,
          message: "Received message of \(length) bytes exceeds the limit of \(limit) bytes."
        )
      case .unexpectedCompression:
        status = Status(
          code: .internalError,
          message: "Received a compressed message but no grpc-encoding was negotiated.")
      }
      source.finish(RPCError(code: RPCError.Code(status.code)!, message: status.message))
      stream.source = nil
      self.session.consumeStream(streamID, data.count + stream.unconsumed)
      stream.unconsumed = 0
      stream.gate.release(stream.pending.removeAll())
      self.sendStatus(stream, status: status, metadata: [:])
      stream.cancelRPC()
      return 0
    }
    if stream.producing {
      self.session.consumeStream(streamID, data.count)
    } else {
      stream.unconsumed += data.count
    }
    return 0
  }

  func sessionStreamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
    guard let stream = self.streams.removeValue(forKey: streamID) else { return 0 }
    if stream.responseState == .ended && errorCode == NGHTTP2_NO_ERROR.rawValue {
      stream.source?.finish()
      stream.source = nil
      stream.gate.close(with: RPCError(code: .cancelled, message: "The RPC has already completed."))
    } else {
      self.abort(
        stream,
        error: RPCError(
          code: .cancelled, message: "The client cancelled the RPC (HTTP/2 error \(errorCode))."))
    }
    if self.streams.isEmpty {
      self.scheduleIdleTimeoutIfIdle()
    }
    return 0
  }

  func sessionReadData(
    streamID: Int32,
    into buffer: UnsafeMutableRawBufferPointer,
    flags: UnsafeMutablePointer<UInt32>
  ) -> Int {
    guard let stream = self.streams[streamID] else {
      return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }
    if let exchange = stream.plain {
      let count = exchange.readResponse(into: buffer)
      if exchange.responseFullyRead { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
      return count
    }
    let count = stream.pending.read(into: buffer)
    if count > 0 {
      stream.gate.release(count)
    }
    if stream.pending.readableBytes == 0 {
      if let trailers = stream.trailers {
        stream.trailers = nil
        flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
        trailers.withNameValuePairs { nva, nvCount in
          _ = nghttp2_submit_trailer(self.session.pointer, streamID, nva, nvCount)
        }
      } else if count == 0 {
        stream.dataDeferred = true
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
      }
    }
    return count
  }

  func sessionFrameSent(_ frame: UnsafePointer<nghttp2_frame>) {
    let header = frame.pointee.hd
    guard header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 else { return }
    // Response complete while the client is still sending: reset with NO_ERROR, as gRPC
    // servers do, so the client stops and the stream is freed.
    if nghttp2_session_get_stream_remote_close(self.session.pointer, header.stream_id) == 0 {
      self.session.resetStream(header.stream_id, errorCode: NGHTTP2_NO_ERROR.rawValue)
    }
  }
}
