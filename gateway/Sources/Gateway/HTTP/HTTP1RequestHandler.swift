import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection behind `NIOHTTP1`'s server pipeline: collects a request
/// (head + body up to `maxBodyBytes`) on the event loop, runs ``GatewayHandler`` on a task,
/// and writes the response back on the event loop with one flush.
///
/// A plain channel handler rather than `NIOAsyncChannel`: the request parts never travel
/// through an async sequence, so a request costs one task and one hop back to the loop.
/// Keep-alive requests are answered in order; `NIOHTTP1`'s pipelining assistance holds a
/// pipelined request until the previous response has ended, and ``pending`` queues anything
/// that still slips through.
final class HTTP1RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private struct Pending {
    var head: HTTPRequestHead
    var request: HTTPRequest
    var bodyTooLarge: Bool
  }

  private let handler: GatewayHandler
  private let maxBodyBytes: Int
  private var context: ChannelHandlerContext?
  /// The response encoder's context: a complete response, encoded here into one buffer, is
  /// written from it, so it skips the encoder (and the error handler, which only tracks
  /// streamed responses) and goes to the socket as one write.
  private var socketContext: ChannelHandlerContext?
  private var head: HTTPRequestHead?
  private var body = ByteBuffer()
  private var tooLarge = false
  private var pending: [Pending] = []
  private var busy = false
  private var remoteAddress: String?
  /// The request tasks' executor: this connection's event loop (no hop to the pool and back).
  private var executor: EventLoopTaskExecutor?
  /// The body stream of the request being streamed to its route (G13 uploads), until its end.
  private var streaming: RequestBodyStream?
  /// Bytes discarded so far of a streamed body that was answered before it ended (e.g. a
  /// 400 for a bad form field): the rest is read and dropped so the client gets its response
  /// and the connection stays usable; past ``maxDiscardBytes`` the connection is closed.
  private var discarded: Int?
  private static var maxDiscardBytes: Int { 128 << 20 }

  init(handler: GatewayHandler, maxBodyBytes: Int) {
    self.handler = handler
    self.maxBodyBytes = maxBodyBytes
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    socketContext = try? context.pipeline.syncOperations.context(
      handlerType: HTTPResponseEncoder.self)
    remoteAddress = context.channel.remoteAddress?.ipAddress
    executor = EventLoopTaskExecutor(context.eventLoop)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    socketContext = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    // Responses still being computed are dropped when they arrive.
    self.context = nil
    pending.removeAll()
    streaming?.finish(error: RequestBodyInterrupted())
    streaming = nil
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let requestHead):
      head = requestHead
      body.clear()
      tooLarge = false
      if !busy, pending.isEmpty,
        handler.streamsBody(method: requestHead.method, uri: requestHead.uri)
      {
        startStreaming(requestHead, context: context)
      }
    case .body(var chunk):
      if let count = discarded {
        discarded = count + chunk.readableBytes
        if count + chunk.readableBytes > Self.maxDiscardBytes { context.close(promise: nil) }
        return
      }
      if let streaming {
        if streaming.yield(Array(chunk.readableBytesView)) {
          // Back-pressure: stop reading until the route has consumed enough.
          context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
        return
      }
      if body.readableBytes + chunk.readableBytes > maxBodyBytes {
        tooLarge = true
      } else {
        body.writeBuffer(&chunk)
      }
    case .end:
      guard let requestHead = head else { return }
      head = nil
      if let streaming {
        streaming.finish()
        self.streaming = nil
        return
      }
      if discarded != nil {
        discarded = nil
        return
      }
      let request = HTTPRequest(
        method: requestHead.method, uri: requestHead.uri, headers: requestHead.headers,
        body: tooLarge ? [] : Array(body.readableBytesView), remoteAddress: remoteAddress)
      body.clear()
      pending.append(Pending(head: requestHead, request: request, bodyTooLarge: tooLarge))
      startNext()
    }
  }

  /// Starts the route at the request head; the body follows through a ``RequestBodyStream``.
  private func startStreaming(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
    let channel = context.channel
    let stream = RequestBodyStream(onResume: {
      channel.eventLoop.execute {
        channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        channel.read()
      }
    })
    streaming = stream
    var request = HTTPRequest(
      method: requestHead.method, uri: requestHead.uri, headers: requestHead.headers, body: [],
      remoteAddress: remoteAddress)
    request.bodyStream = stream
    busy = true
    run(request, head: requestHead, bodyTooLarge: false)
  }

  private func startNext() {
    guard !busy, let context, !pending.isEmpty else { return }
    busy = true
    let next = pending.removeFirst()
    run(next.request, head: next.head, bodyTooLarge: next.bodyTooLarge)
  }

  private func run(_ request: HTTPRequest, head: HTTPRequestHead, bodyTooLarge tooLarge: Bool) {
    guard let context else { return }
    let handler = self.handler
    let loop = context.eventLoop
    let bound = NIOLoopBound(self, eventLoop: loop)
    Task(executorPreference: executor) {
      let response = await handler.handle(request, bodyTooLarge: tooLarge)
      // Normally already on the loop (the task's executor); the check keeps it correct anyway.
      if loop.inEventLoop {
        bound.value.write(response, for: head)
      } else {
        loop.execute { bound.value.write(response, for: head) }
      }
    }
  }

  private func write(_ response: HTTPResponse, for requestHead: HTTPRequestHead) {
    busy = false
    guard let context else { return }
    if let streaming {
      // Answered before the body ended: the route stopped reading; drop the rest.
      streaming.finish(error: RequestBodyInterrupted())
      self.streaming = nil
      discarded = 0
      context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
      context.read()
    }
    if let stream = response.bodyStream {
      var headers = HTTPHeaders()
      headers.reserveCapacity(response.headers.count + 2)
      for (name, value) in response.headers { headers.add(name: name, value: value) }
      writeStreamed(stream, head: requestHead, status: response.status, headers: headers)
      return
    }
    let keepAlive = requestHead.isKeepAlive
    // A keep-alive response needs no completion (no promise allocated per request).
    let promise = keepAlive ? nil : context.eventLoop.makePromise(of: Void.self)
    if let socketContext {
      var buffer = context.channel.allocator.buffer(capacity: 192 + response.body.count)
      Self.encode(response, version: requestHead.version, keepAlive: keepAlive, into: &buffer)
      socketContext.writeAndFlush(NIOAny(buffer), promise: promise)
    } else {
      // No encoder found (never in the gateway's pipeline): the parts through the pipeline.
      writeParts(
        response, head: requestHead, keepAlive: keepAlive, context: context, promise: promise)
    }
    if let promise {
      let channel = context.channel
      promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
    } else {
      startNext()
    }
  }

  /// A complete response as HTTP/1.1 bytes, as NIO's encoder frames it: status line, the
  /// response's headers (framing headers the gateway sets itself are skipped),
  /// `content-length` (not for statuses without a body, such as 204), `connection: close` when
  /// the connection ends, and the body.
  static func encode(
    _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, into buffer: inout ByteBuffer
  ) {
    // Digits written directly: string interpolation allocated on every response.
    if version.major == 1, version.minor == 1 {
      buffer.writeStaticString("HTTP/1.1 ")
    } else {
      buffer.writeString("HTTP/\(version.major).\(version.minor) ")
    }
    writeDecimal(Int(response.status.code), into: &buffer)
    buffer.writeStaticString(" ")
    buffer.writeString(response.status.reasonPhrase)
    buffer.writeStaticString("\r\n")
    for (name, value) in response.headers where !isFraming(name) {
      buffer.writeString(name)
      buffer.writeStaticString(": ")
      buffer.writeString(value)
      buffer.writeStaticString("\r\n")
    }
    let hasBody = response.status.mayHaveResponseBody
    if hasBody {
      buffer.writeStaticString("content-length: ")
      writeDecimal(response.body.count, into: &buffer)
      buffer.writeStaticString("\r\n")
    }
    if !keepAlive { buffer.writeStaticString("connection: close\r\n") }
    buffer.writeStaticString("\r\n")
    if hasBody { buffer.writeBytes(response.body) }
  }

  /// Writes a non-negative `value` in decimal ASCII digits.
  static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
    var divisor = 1
    while divisor <= value / 10 { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }

  /// `content-length`, `transfer-encoding` and `connection`, in any case.
  private static func isFraming(_ name: String) -> Bool {
    let count = name.utf8.count
    guard count == 10 || count == 14 || count == 17 else { return false }
    let lower = name.lowercased()
    return lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
  }

  /// The response as NIOHTTP1 parts (head, body, end) through the encoder.
  private func writeParts(
    _ response: HTTPResponse, head requestHead: HTTPRequestHead, keepAlive: Bool,
    context: ChannelHandlerContext, promise: EventLoopPromise<Void>?
  ) {
    var headers = HTTPHeaders()
    for (name, value) in response.headers { headers.add(name: name, value: value) }
    headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
    if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
    context.write(
      wrapOutboundOut(
        .head(
          HTTPResponseHead(version: requestHead.version, status: response.status, headers: headers))
      ),
      promise: nil)
    if !response.body.isEmpty {
      context.write(
        wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
        promise: nil)
    }
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
  }

  /// Writes the head, then each chunk as it comes (chunked encoding), waiting for each write so
  /// a slow client slows the producer down. A failure after the head can only cut the
  /// response short: the connection is closed so the client sees it incomplete.
  private func writeStreamed(
    _ stream: ResponseBodyStream, head requestHead: HTTPRequestHead,
    status: HTTPResponseStatus, headers: HTTPHeaders
  ) {
    guard let context else {
      stream.cancel()
      return
    }
    busy = true
    var headers = headers
    headers.remove(name: "content-length")
    headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
    let keepAlive = requestHead.isKeepAlive
    if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
    context.writeAndFlush(
      wrapOutboundOut(
        .head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers))),
      promise: nil)
    let channel = context.channel
    let loop = context.eventLoop
    let bound = NIOLoopBound(self, eventLoop: loop)
    Task {
      do {
        while let chunk = try await stream.next() {
          try await channel.writeAndFlush(
            HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: chunk)))
          ).get()
        }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        loop.execute {
          let handler = bound.value
          handler.busy = false
          if keepAlive { handler.startNext() } else { channel.close(promise: nil) }
        }
      } catch {
        stream.cancel()
        channel.close(promise: nil)
      }
    }
  }
}
