internal import CNGHTTP2
internal import GRPCCore
internal import NIOCore

/// Runs one client HTTP/2 connection: owns its nghttp2 session and streams on the channel's
/// event loop. Requests beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in nghttp2's
/// own queue of unsent HEADERS and start as earlier streams close, so callers never see a
/// refusal for it.
final class ClientConnectionHandler: ChannelInboundHandler, NGHTTP2SessionDelegate, MailboxSink {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  enum Mail: Sendable {
    case open(ClientStream, Metadata)
    /// A whole unary request: headers, its one message and the end of the request, sent in one
    /// go, with the call's deadline (and the timeout it came from) kept on this event loop.
    case unary(ClientStream, Metadata, [UInt8], (at: NIODeadline, timeout: TimeAmount)?)
    case message(ClientStream, [UInt8])
    case end(ClientStream)
    case cancel(ClientStream)
    case produceMore(ClientStream)
    case gracefulShutdown
  }

  struct Configuration {
    var authority: String
    var maxReceiveMessageSize: Int
    var keepalive: NGHTTP2Keepalive?
    var idleTimeout: Duration?
    var initialStreamWindowSize: Int
  }

  /// Reported to the connection's owner.
  enum Event {
    /// The server's SETTINGS arrived: the connection can carry RPCs.
    case ready
    /// The server sent GOAWAY (or we are closing): open no new streams here.
    case draining
  }

  private let configuration: Configuration
  private let onEvent: (Event) -> Void
  let mailbox: Mailbox<ClientConnectionHandler>
  /// RPCs handed this connection, some perhaps not yet on the event loop.
  private let reservations: StreamReservations
  private var session: NGHTTP2Session!
  private var context: ChannelHandlerContext?
  private var streams: [Int32: ClientStream] = [:]
  /// Streams submitted but not yet closed, including those nghttp2 still holds back.
  private var openCount = 0
  private var draining = false
  private var shuttingDown = false
  private var ready = false
  private var idleTask: Scheduled<Void>?
  private var keepaliveTask: RepeatedTask?
  private var pingTimeoutTask: Scheduled<Void>?
  private var inRead = false
  private var closed = false
  /// The lean unary calls' deadlines and the one timer armed at the earliest of them.
  private var deadlines = UnaryDeadlines()
  private var deadlineTimer: Scheduled<Void>?
  private var deadlineTimerAt: NIODeadline?

  init(
    configuration: Configuration, reservations: StreamReservations, eventLoop: any EventLoop,
    onEvent: @escaping (Event) -> Void
  ) {
    self.configuration = configuration
    self.reservations = reservations
    self.onEvent = onEvent
    self.mailbox = Mailbox(eventLoop: eventLoop)
  }

  // MARK: Channel events

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.mailbox.attach(self)
    self.session = NGHTTP2Session(role: .client, delegate: self)
    self.session.submitSettings(
      .init(
        maxConcurrentStreams: nil,
        initialWindowSize: UInt32(clamping: self.configuration.initialStreamWindowSize),
        maxHeaderListSize: 16 * 1024,
        connectionWindowSize: Int32(
          clamping: max(self.configuration.initialStreamWindowSize, 8 * 1024 * 1024))
      )
    )
    if context.channel.isActive {
      self.flush()
    }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.flush()
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = self.unwrapInboundIn(data)
    self.inRead = true
    let ok = self.session.receive(buffer)
    self.inRead = false
    if !ok {
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

  private func flush() {
    guard !self.inRead, let context = self.context, !self.closed else { return }
    var buffer = context.channel.allocator.buffer(capacity: 4096)
    let ok = self.session.drain(into: &buffer)
    if buffer.readableBytes > 0 {
      context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }
    if !ok || !self.session.isAlive || ((self.shuttingDown || self.draining) && self.openCount == 0)
    {
      self.close()
    }
  }

  func close() {
    guard !self.closed, let context = self.context else { return }
    self.closed = true
    context.close(promise: nil)
  }

  private func tearDown() {
    self.deadlineTimer?.cancel()
    self.deadlineTimer = nil
    self.deadlineTimerAt = nil
    self.deadlines.removeAll()
    self.idleTask?.cancel()
    self.keepaliveTask?.cancel()
    self.pingTimeoutTask?.cancel()
    self.idleTask = nil
    self.keepaliveTask = nil
    self.pingTimeoutTask = nil
    let streams = self.streams
    self.streams = [:]
    self.openCount = 0
    for stream in streams.values {
      Self.fail(
        stream, RPCError(code: .unavailable, message: "The connection to the server was lost."))
    }
    if !self.draining {
      self.draining = true
      self.onEvent(.draining)
    }
    self.mailbox.detach()
  }

  private static func fail(_ stream: ClientStream, _ error: RPCError) {
    stream.finishResponse(.failure(error))
    stream.gate.close(with: error)
    stream.isFinished.store(true, ordering: .releasing)
  }

  // MARK: Timers

  private func startTimers() {
    guard let context = self.context, self.keepaliveTask == nil else { return }
    if let keepalive = self.configuration.keepalive {
      let interval = TimeAmount(converting: keepalive.interval)
      let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
      self.keepaliveTask = context.eventLoop.scheduleRepeatedTask(
        initialDelay: interval, delay: interval
      ) { _ in
        handler.value.sendKeepalivePing()
      }
    }
    self.scheduleIdleTimeoutIfIdle()
  }

  private func sendKeepalivePing() {
    guard let keepalive = self.configuration.keepalive, let context = self.context else { return }
    guard keepalive.permitWithoutCalls || self.openCount > 0, self.pingTimeoutTask == nil else {
      return
    }
    self.session.submitPing()
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.pingTimeoutTask = context.eventLoop.scheduleTask(
      in: TimeAmount(converting: keepalive.timeout)
    ) {
      handler.value.close()
    }
    self.flush()
  }

  private func scheduleIdleTimeoutIfIdle() {
    guard let idleTimeout = self.configuration.idleTimeout, self.openCount == 0,
      self.idleTask == nil, let context = self.context
    else { return }
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.idleTask = context.eventLoop.scheduleTask(in: TimeAmount(converting: idleTimeout)) {
      handler.value.idleTimeoutFired()
    }
  }

  private func idleTimeoutFired() {
    self.idleTask = nil
    guard self.openCount == 0 else { return }
    guard self.reservations.closeIfUnreserved() else {
      // A caller holds this connection and its stream may be on the way: look again later.
      self.scheduleIdleTimeoutIfIdle()
      return
    }
    self.beginGracefulShutdown()
  }

  private func beginGracefulShutdown() {
    guard !self.shuttingDown else { return }
    self.shuttingDown = true
    if !self.draining {
      self.draining = true
      self.onEvent(.draining)
    }
    if self.openCount == 0 {
      self.session.submitGoAway(lastStreamID: 0, errorCode: NGHTTP2_NO_ERROR.rawValue)
    }
    self.flush()
  }

  // MARK: Mail

  static func undeliverable(_ mail: [Mail]) {
    for item in mail {
      switch item {
      case .open(let stream, _), .message(let stream, _), .end(let stream), .cancel(let stream),
        .unary(let stream, _, _, _):
        Self.fail(
          stream,
          RPCError(
            code: .unavailable, message: "The connection to the server was lost.",
            cause: StreamNeverProcessed()))
      case .produceMore, .gracefulShutdown:
        break
      }
    }
  }

  func process(_ mail: [Mail]) {
    for item in mail {
      switch item {
      case .open(let stream, let metadata):
        self.open(stream, metadata: metadata)
      case .unary(let stream, let metadata, let message, let deadline):
        self.openUnary(stream, metadata: metadata, message: message, deadline: deadline)
      case .message(let stream, let bytes):
        guard stream.streamID != 0, !stream.responseFinished, !stream.requestEnded else {
          stream.gate.release(bytes.count + 5)
          continue
        }
        stream.pending.append(bytes)
        self.resumeIfDeferred(stream)
      case .end(let stream):
        guard stream.streamID != 0, !stream.requestEnded else { continue }
        stream.requestEnded = true
        self.resumeIfDeferred(stream)
      case .cancel(let stream):
        self.cancel(stream)
      case .produceMore(let stream):
        stream.producing = true
        if stream.streamID != 0 { self.session.consumeStream(stream.streamID, stream.unconsumed) }
        stream.unconsumed = 0
      case .gracefulShutdown:
        self.beginGracefulShutdown()
      }
    }
    self.flush()
  }

  private func open(_ stream: ClientStream, metadata: Metadata) {
    guard stream.streamID == 0, !stream.cancelled else { return }
    guard !self.draining, !self.closed else {
      Self.fail(
        stream,
        RPCError(
          code: .unavailable, message: "The connection is closing; retry on a new one.",
          cause: StreamNeverProcessed()))
      return
    }
    var block = HeaderBlock()
    block.add(":method", "POST")
    block.add(":scheme", "http")
    block.add(
      ":path",
      "/" + stream.descriptor.service.fullyQualifiedService + "/" + stream.descriptor.method)
    block.add(":authority", self.configuration.authority)
    block.add("content-type", GRPCHeaderNames.contentTypeValue)
    block.add("te", "trailers")
    block.add("user-agent", "grpc-swift-nghttp2/1.0")
    block.add(metadata: metadata)
    var provider = self.session.dataProvider
    let streamID = block.withNameValuePairs { nva, count in
      nghttp2_submit_request(self.session.pointer, nil, nva, count, &provider, nil)
    }
    guard streamID > 0 else {
      Self.fail(
        stream,
        RPCError(
          code: .unavailable,
          message: "Couldn't open an HTTP/2 stream (nghttp2 error \(streamID)).",
          cause: StreamNeverProcessed()))
      if streamID == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE.rawValue {
        self.beginGracefulShutdown()
      }
      return
    }
    stream.streamID = streamID
    self.streams[streamID] = stream
    self.openCount += 1
    self.idleTask?.cancel()
    self.idleTask = nil
  }

  /// Opens a unary stream whose request is complete: nghttp2 sends HEADERS and the one DATA
  /// frame (END_STREAM) in the same flush. The deadline joins ``UnaryDeadlines`` (one timer per
  /// connection, no scheduled task per call): when it passes first, the stream is reset like a
  /// cancellation and the caller gets DEADLINE_EXCEEDED.
  private func openUnary(
    _ stream: ClientStream, metadata: Metadata, message: [UInt8],
    deadline: (at: NIODeadline, timeout: TimeAmount)?
  ) {
    stream.pending.append(message)
    stream.requestEnded = true
    self.open(stream, metadata: metadata)
    guard let deadline, stream.streamID != 0, !stream.responseFinished else { return }
    self.deadlines.add(
      .init(deadline: deadline.at, streamID: stream.streamID), timeout: deadline.timeout,
      isPending: self.isPending)
    self.armDeadlineTimer(at: deadline.at)
  }

  /// Whether the stream `streamID` still waits for its response (not answered, failed or
  /// cancelled).
  private func isPending(_ streamID: Int32) -> Bool {
    guard let stream = self.streams[streamID] else { return false }
    return !stream.responseFinished && !stream.cancelled
  }

  /// Arms the deadline timer at `deadline` unless it already fires earlier.
  private func armDeadlineTimer(at deadline: NIODeadline) {
    if let armed = self.deadlineTimerAt, armed <= deadline { return }
    guard let context = self.context else { return }
    self.deadlineTimer?.cancel()
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.deadlineTimerAt = deadline
    self.deadlineTimer = context.eventLoop.scheduleTask(deadline: deadline) {
      handler.value.deadlineTimerFired()
    }
  }

  private func deadlineTimerFired() {
    self.deadlineTimer = nil
    self.deadlineTimerAt = nil
    let expired = self.deadlines.removeExpired(now: .now(), isPending: self.isPending)
    for streamID in expired {
      if let stream = self.streams[streamID] { self.expire(stream) }
    }
    if let next = self.deadlines.earliest { self.armDeadlineTimer(at: next) }
    if !expired.isEmpty { self.flush() }
  }

  private func expire(_ stream: ClientStream) {
    guard !stream.responseFinished, !stream.cancelled else { return }
    stream.cancelled = true
    if stream.streamID != 0, self.streams[stream.streamID] === stream {
      self.session.resetStream(stream.streamID, errorCode: NGHTTP2_CANCEL.rawValue)
    }
    Self.fail(stream, RPCError(code: .deadlineExceeded, message: "RPC timed out before completing"))
  }

  private func cancel(_ stream: ClientStream) {
    guard !stream.cancelled else { return }
    stream.cancelled = true
    let error = RPCError(code: .cancelled, message: "The RPC was cancelled.")
    if stream.streamID != 0, self.streams[stream.streamID] === stream {
      self.session.resetStream(stream.streamID, errorCode: NGHTTP2_CANCEL.rawValue)
    }
    Self.fail(stream, error)
  }

  private func resumeIfDeferred(_ stream: ClientStream) {
    if stream.dataDeferred {
      stream.dataDeferred = false
      self.session.resumeData(stream.streamID)
    }
  }

  // MARK: nghttp2 callbacks

  func sessionBeginHeaders(streamID: Int32, category: nghttp2_headers_category) -> Int32 {
    0
  }

  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    -> Int32
  {
    guard let stream = self.streams[streamID], !stream.responseFinished else { return 0 }
    if name.first == UInt8(ascii: ":") {
      if GRPCHeaderNames.equals(name, ":status") {
        stream.httpStatus = Int(String(decoding: value, as: UTF8.self))
      }
      return 0
    }
    if GRPCHeaderNames.equals(name, "grpc-status") {
      stream.grpcStatus = Int(String(decoding: value, as: UTF8.self))
    } else if GRPCHeaderNames.equals(name, "grpc-message") {
      stream.grpcMessage = GRPCStatusMessage.decode(value)
    } else if GRPCHeaderNames.equals(name, "content-type") {
      stream.contentType = String(decoding: value, as: UTF8.self)
    } else if GRPCHeaderNames.hasSuffix(name, "-bin") {
      if let decoded = Base64.decode(value) {
        stream.metadata.addBinary(decoded, forKey: String(decoding: name, as: UTF8.self))
      }
    } else {
      stream.metadata.addString(
        String(decoding: value, as: UTF8.self),
        forKey: String(decoding: name, as: UTF8.self)
      )
    }
    return 0
  }

  func sessionFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(header.type) {
    case NGHTTP2_HEADERS.rawValue:
      guard let stream = self.streams[header.stream_id], !stream.responseFinished else { return 0 }
      self.headersReceived(stream, endStream: endStream)
    case NGHTTP2_DATA.rawValue:
      if endStream, let stream = self.streams[header.stream_id], !stream.responseFinished {
        stream.finishResponse(
          .failure(
            RPCError(
              code: .internalError, message: "The server ended the stream without sending trailers."
            ))
        )
      }
    case NGHTTP2_SETTINGS.rawValue:
      if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0, !self.ready {
        self.ready = true
        self.startTimers()
        self.onEvent(.ready)
      }
    case NGHTTP2_PING.rawValue:
      if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
        self.pingTimeoutTask?.cancel()
        self.pingTimeoutTask = nil
      }
    case NGHTTP2_GOAWAY.rawValue:
      if !self.draining {
        self.draining = true
        self.onEvent(.draining)
      }
    default:
      break
    }
    return 0
  }

  private func headersReceived(_ stream: ClientStream, endStream: Bool) {
    if !stream.receivedHeaders {
      stream.receivedHeaders = true
      let httpStatus = stream.httpStatus ?? 0
      if let grpcStatus = stream.grpcStatus {
        // Trailers-only (or an HTTP error that still carries a gRPC status).
        self.deliverStatus(stream, code: grpcStatus)
        return
      }
      if httpStatus != 200 {
        let status = Status(httpStatusCode: httpStatus)
        stream.finishResponse(.success(.status(status, stream.metadata)))
        self.resetIfOpen(stream)
        return
      }
      guard let contentType = stream.contentType, GRPCHeaderNames.isGRPCContentType(contentType)
      else {
        stream.finishResponse(
          .failure(
            RPCError(
              code: .unknown,
              message: "Response content-type '\(stream.contentType ?? "")' is not gRPC."))
        )
        self.resetIfOpen(stream)
        return
      }
      if endStream {
        stream.finishResponse(
          .failure(
            RPCError(
              code: .internalError, message: "Response headers ended the stream without a status."))
        )
        return
      }
      let metadata = stream.metadata
      stream.metadata = [:]
      _ = stream.yieldResponse(.metadata(metadata))
    } else {
      // Trailers.
      guard let grpcStatus = stream.grpcStatus else {
        stream.finishResponse(
          .success(
            .status(
              Status(code: .unknown, message: "Trailers carry no grpc-status."), stream.metadata)))
        return
      }
      self.deliverStatus(stream, code: grpcStatus)
    }
  }

  private func deliverStatus(_ stream: ClientStream, code: Int) {
    let statusCode = Status.Code(rawValue: code) ?? .unknown
    let status = Status(code: statusCode, message: stream.grpcMessage ?? "")
    let metadata = stream.metadata
    stream.metadata = [:]
    stream.finishResponse(.success(.status(status, metadata)))
  }

  private func resetIfOpen(_ stream: ClientStream) {
    if stream.streamID != 0, self.streams[stream.streamID] === stream {
      self.session.resetStream(stream.streamID, errorCode: NGHTTP2_CANCEL.rawValue)
    }
  }

  func sessionDataChunk(streamID: Int32, data: UnsafeRawBufferPointer) -> Int32 {
    self.session.consumeConnection(data.count)
    guard let stream = self.streams[streamID], !stream.responseFinished, stream.receivedHeaders
    else {
      self.session.consumeStream(streamID, data.count)
      return 0
    }
    do {
      try stream.deframer.process(data) { message in
        if !stream.yieldResponse(.message(message)) {
          stream.producing = false
        }
      }
    } catch {
      let rpcError: RPCError
      switch error {
      case .messageTooLarge(let length, let limit):
        rpcError = RPCError(
          code: .resourceExhausted,
          message: "Received message of \(length) bytes exceeds the limit of \(limit) bytes."
        )
      case .unexpectedCompression:
        rpcError = RPCError(
          code: .internalError,
          message: "Received a compressed message but no grpc-encoding was negotiated.")
      }
      stream.finishResponse(.failure(rpcError))
      self.session.consumeStream(streamID, data.count + stream.unconsumed)
      stream.unconsumed = 0
      self.resetIfOpen(stream)
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
    self.openCount -= 1
    if !stream.responseFinished {
      let error: RPCError
      switch errorCode {
      case NGHTTP2_REFUSED_STREAM.rawValue:
        error = RPCError(
          code: .unavailable, message: "The server refused the stream before processing it.",
          cause: StreamNeverProcessed())
      case NGHTTP2_CANCEL.rawValue:
        error = RPCError(code: .cancelled, message: "The server cancelled the stream.")
      case NGHTTP2_ENHANCE_YOUR_CALM.rawValue:
        error = RPCError(
          code: .resourceExhausted, message: "The server reset the stream: ENHANCE_YOUR_CALM.")
      case NGHTTP2_NO_ERROR.rawValue:
        error = RPCError(
          code: .internalError, message: "The stream closed before the server sent a status.")
      default:
        error = RPCError(
          code: .internalError, message: "The server reset the stream (HTTP/2 error \(errorCode)).")
      }
      stream.finishResponse(.failure(error))
    }
    stream.gate.close(with: RPCError(code: .cancelled, message: "The stream is closed."))
    stream.isFinished.store(true, ordering: .releasing)
    if self.openCount == 0 {
      if self.shuttingDown {
        self.session.submitGoAway(lastStreamID: 0, errorCode: NGHTTP2_NO_ERROR.rawValue)
      }
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
    let count = stream.pending.read(into: buffer)
    if count > 0 {
      stream.gate.release(count)
    }
    if stream.pending.readableBytes == 0 {
      if stream.requestEnded {
        flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
      } else if count == 0 {
        stream.dataDeferred = true
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
      }
    }
    return count
  }

  func sessionFrameSent(_ frame: UnsafePointer<nghttp2_frame>) {}
}
