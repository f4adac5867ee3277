import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 load connection, driven entirely on its event loop: it sends the
/// next request as soon as the previous response has ended, until the deadline, and records
/// each latency. No task per request, so the load generator's own cost stays small next to
/// the gateway's (the direct gRPC run uses the generated client, as a real caller does).
final class HTTPLoadHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundOut = HTTPClientRequestPart

  private let head: HTTPRequestHead
  private let deadline: NIODeadline
  private let done: EventLoopPromise<[Duration]>
  private var latencies: [Duration] = []
  private var started = ContinuousClock.now
  private var failure: String?

  init(head: HTTPRequestHead, deadline: NIODeadline, done: EventLoopPromise<[Duration]>) {
    self.head = head
    self.deadline = deadline
    self.done = done
    latencies.reserveCapacity(100_000)
  }

  func channelActive(context: ChannelHandlerContext) {
    send(context: context)
    context.fireChannelActive()
  }

  private func send(context: ChannelHandlerContext) {
    started = .now
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let response):
      if response.status != .ok { failure = "gateway answered \(response.status)" }
    case .body:
      break
    case .end:
      latencies.append(ContinuousClock.now - started)
      if let failure {
        done.fail(LoadFailure(description: failure))
        context.close(promise: nil)
      } else if NIODeadline.now() < deadline {
        send(context: context)
      } else {
        done.succeed(latencies)
        context.close(promise: nil)
      }
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    done.fail(LoadFailure(description: "connection closed early"))
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    done.fail(error)
    context.close(promise: nil)
  }
}

struct LoadFailure: Error, CustomStringConvertible {
  var description: String
}

/// Runs one load connection to `port` until `deadline`; returns its latencies.
func runHTTPLoad(port: Int, head: HTTPRequestHead, deadline: NIODeadline) async throws
  -> [Duration]
{
  let loop = MultiThreadedEventLoopGroup.singleton.next()
  let done = loop.makePromise(of: [Duration].self)
  _ = try await ClientBootstrap(group: loop)
    .channelOption(.socketOption(.tcp_nodelay), value: 1)
    .channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(
          HTTPLoadHandler(head: head, deadline: deadline, done: done))
      }
    }
    .connect(host: "127.0.0.1", port: port).get()
  return try await done.futureResult.get()
}
