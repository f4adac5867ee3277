import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 load connection, driven entirely on its event loop: it sends the
/// next request as soon as the previous response has ended, until the deadline, and records
/// each latency. No task per request, so the load generator's own cost stays small next to
/// the gateway's (the direct gRPC run uses the generated client, as a real caller does).
///
/// Open loop (`schedule` set): requests are due every `interval` from `first` (sent at once
/// when the previous response came after the due time). Latency is measured from the send, not
/// from the due time: on this shared machine the generator's own timers fire late by
/// milliseconds, which would be charged to the path under test; the achieved rate shows
/// whether the schedule held.
final class HTTPLoadHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundOut = HTTPClientRequestPart

  /// When an open-loop connection's requests are due.
  struct Schedule {
    var first: NIODeadline
    var interval: TimeAmount
  }

  private let head: HTTPRequestHead
  private let deadline: NIODeadline
  private let done: EventLoopPromise<[Duration]>
  private var latencies: [Duration] = []
  private var started = ContinuousClock.now
  private var failure: String?
  private var schedule: Schedule?

  init(
    head: HTTPRequestHead, deadline: NIODeadline, schedule: Schedule? = nil,
    done: EventLoopPromise<[Duration]>
  ) {
    self.head = head
    self.deadline = deadline
    self.schedule = schedule
    self.done = done
    latencies.reserveCapacity(100_000)
  }

  func channelActive(context: ChannelHandlerContext) {
    sendWhenDue(context: context)
    context.fireChannelActive()
  }

  /// Closed loop: at once. Open loop: at the next due time (at once when it has passed).
  private func sendWhenDue(context: ChannelHandlerContext) {
    guard let schedule else {
      send(context: context)
      return
    }
    if schedule.first <= NIODeadline.now() {
      send(context: context)
    } else {
      let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
      context.eventLoop.scheduleTask(deadline: schedule.first) {
        bound.value.0.send(context: bound.value.1)
      }
    }
    self.schedule?.first = schedule.first + schedule.interval
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
        sendWhenDue(context: context)
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

/// Runs one load connection to `port` until `deadline` (open loop with `schedule`); returns
/// its latencies.
func runHTTPLoad(
  port: Int, head: HTTPRequestHead, deadline: NIODeadline,
  schedule: HTTPLoadHandler.Schedule? = nil
) async throws -> [Duration] {
  let loop = MultiThreadedEventLoopGroup.singleton.next()
  let done = loop.makePromise(of: [Duration].self)
  _ = try await ClientBootstrap(group: loop)
    .channelOption(.socketOption(.tcp_nodelay), value: 1)
    .channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(
          HTTPLoadHandler(head: head, deadline: deadline, schedule: schedule, done: done))
      }
    }
    .connect(host: "127.0.0.1", port: port).get()
  return try await done.futureResult.get()
}
