import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 load connection, driven entirely on its event loop. During a slice
/// it sends the next request as soon as the previous response has ended, until the slice's
/// deadline, and records each latency. No task per request, so the load generator's own cost
/// stays small next to the gateway's (the direct gRPC run uses the generated client, as a real
/// caller does).
///
/// The connection stays open from slice to slice, as the direct path's gRPC connections do:
/// connecting 64 connections at the start of every slice charged the gateway path with the
/// accepts and pipeline set-up, and the slice's first requests with waiting behind them.
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

  /// One slice of load on this connection.
  struct Slice {
    var deadline: NIODeadline
    var schedule: Schedule?
    var done: EventLoopPromise<[Duration]>
  }

  private let head: HTTPRequestHead
  private var context: ChannelHandlerContext?
  private var slice: Slice?
  private var latencies: [Duration] = []
  private var started = ContinuousClock.now
  private var failure: String?

  init(head: HTTPRequestHead) {
    self.head = head
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
  }

  /// Starts a slice; called on the connection's event loop, when no slice is running.
  func start(_ slice: Slice) {
    guard let context, context.channel.isActive else {
      slice.done.fail(LoadFailure(description: "connection closed before the slice"))
      return
    }
    precondition(self.slice == nil, "a slice is already running")
    self.slice = slice
    latencies = []
    latencies.reserveCapacity(100_000)
    sendWhenDue(context: context)
  }

  /// Closed loop: at once. Open loop: at the next due time (at once when it has passed).
  private func sendWhenDue(context: ChannelHandlerContext) {
    guard let schedule = slice?.schedule else {
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
    slice?.schedule?.first = schedule.first + schedule.interval
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
      guard let slice else { return }
      if let failure {
        self.slice = nil
        slice.done.fail(LoadFailure(description: failure))
        context.close(promise: nil)
      } else if NIODeadline.now() < slice.deadline {
        sendWhenDue(context: context)
      } else {
        self.slice = nil
        slice.done.succeed(latencies)
      }
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    slice?.done.fail(LoadFailure(description: "connection closed early"))
    slice = nil
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    slice?.done.fail(error)
    slice = nil
    context.close(promise: nil)
  }
}

struct LoadFailure: Error, CustomStringConvertible {
  var description: String
}

/// A connection to the gateway that runs ``HTTPLoadHandler`` slices until closed.
struct HTTPLoadConnection: Sendable {
  let channel: any Channel
  private let handler: NIOLoopBound<HTTPLoadHandler>

  /// Connects to `port` on 127.0.0.1; every request of every slice is `head`.
  static func connect(port: Int, head: HTTPRequestHead) async throws -> HTTPLoadConnection {
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let channel = try await ClientBootstrap(group: loop)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(HTTPLoadHandler(head: head))
        }
      }
      .connect(host: "127.0.0.1", port: port).get()
    let handler = try await channel.eventLoop.submit {
      NIOLoopBound(
        try channel.pipeline.syncOperations.handler(type: HTTPLoadHandler.self),
        eventLoop: channel.eventLoop)
    }.get()
    return HTTPLoadConnection(channel: channel, handler: handler)
  }

  /// Runs one slice until `deadline` (open loop with `schedule`); returns its latencies.
  func run(deadline: NIODeadline, schedule: HTTPLoadHandler.Schedule?) async throws -> [Duration] {
    let loop = channel.eventLoop
    let handler = self.handler
    return try await loop.flatSubmit {
      let done = loop.makePromise(of: [Duration].self)
      handler.value.start(.init(deadline: deadline, schedule: schedule, done: done))
      return done.futureResult
    }.get()
  }

  func close() async {
    try? await channel.close()
  }
}
