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
  private var head: HTTPRequestHead?
  private var body = ByteBuffer()
  private var tooLarge = false
  private var pending: [Pending] = []
  private var busy = false
  private var remoteAddress: String?

  init(handler: GatewayHandler, maxBodyBytes: Int) {
    self.handler = handler
    self.maxBodyBytes = maxBodyBytes
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    remoteAddress = context.channel.remoteAddress?.ipAddress
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    // Responses still being computed are dropped when they arrive.
    self.context = nil
    pending.removeAll()
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let requestHead):
      head = requestHead
      body.clear()
      tooLarge = false
    case .body(var chunk):
      if body.readableBytes + chunk.readableBytes > maxBodyBytes {
        tooLarge = true
      } else {
        body.writeBuffer(&chunk)
      }
    case .end:
      guard let requestHead = head else { return }
      head = nil
      let request = HTTPRequest(
        method: requestHead.method, uri: requestHead.uri, headers: requestHead.headers,
        body: tooLarge ? [] : Array(body.readableBytesView), remoteAddress: remoteAddress)
      body.clear()
      pending.append(Pending(head: requestHead, request: request, bodyTooLarge: tooLarge))
      startNext()
    }
  }

  private func startNext() {
    guard !busy, let context, !pending.isEmpty else { return }
    busy = true
    let next = pending.removeFirst()
    let handler = self.handler
    let loop = context.eventLoop
    let bound = NIOLoopBound(self, eventLoop: loop)
    let request = next.request
    let tooLarge = next.bodyTooLarge
    let head = next.head
    Task {
      let response = await handler.handle(request, bodyTooLarge: tooLarge)
      loop.execute { bound.value.write(response, for: head) }
    }
  }

  private func write(_ response: HTTPResponse, for requestHead: HTTPRequestHead) {
    busy = false
    guard let context else { return }
    var headers = HTTPHeaders()
    headers.reserveCapacity(response.headers.count + 2)
    for (name, value) in response.headers { headers.add(name: name, value: value) }
    headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
    let keepAlive = requestHead.isKeepAlive
    if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
    context.write(
      wrapOutboundOut(
        .head(HTTPResponseHead(version: requestHead.version, status: response.status, headers: headers))),
      promise: nil)
    if !response.body.isEmpty {
      context.write(
        wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
        promise: nil)
    }
    if keepAlive {
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
      startNext()
    } else {
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
        channel.close(promise: nil)
      }
    }
  }
}
