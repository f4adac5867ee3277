import NIOCore
import NIOPosix
import Synchronization

/// A TCP server whose first connection acts as an HTTP/2 server that closes it as idle the
/// moment a request arrives (GOAWAY with last stream id 0: the request is refused
/// unprocessed), and whose later connections are forwarded byte for byte to `upstreamPort`.
final class RefuseOnceServer: Sendable {
  private let channel: any Channel
  private let accepted: ConnectionCounter

  var port: Int { self.channel.localAddress?.port ?? 0 }
  /// Connections accepted so far.
  var connectionCount: Int { self.accepted.count }

  private init(channel: any Channel, accepted: ConnectionCounter) {
    self.channel = channel
    self.accepted = accepted
  }

  static func start(forwardingTo upstreamPort: Int) async throws -> RefuseOnceServer {
    let counter = ConnectionCounter()
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        let index = counter.next()
        return channel.eventLoop.makeCompletedFuture {
          if index == 0 {
            try channel.pipeline.syncOperations.addHandler(GoAwayOnRequestHandler())
          } else {
            try channel.pipeline.syncOperations.addHandler(
              ForwardingHandler(upstreamPort: upstreamPort))
          }
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    return RefuseOnceServer(channel: channel, accepted: counter)
  }

  func stop() async {
    try? await self.channel.close()
  }
}

/// Numbers accepted connections (from any event loop).
private final class ConnectionCounter: Sendable {
  private let value = Mutex(0)

  var count: Int { value.withLock { $0 } }

  /// The number of the connection being accepted (0 for the first).
  func next() -> Int {
    value.withLock { value in
      defer { value += 1 }
      return value
    }
  }
}

/// Sends SETTINGS, then answers the first HEADERS frame with GOAWAY(last stream id 0).
private final class GoAwayOnRequestHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  private var received: [UInt8] = []
  private var sentGoAway = false

  func channelActive(context: ChannelHandlerContext) {
    context.writeAndFlush(
      self.wrapOutboundOut(ByteBuffer(bytes: RawSocket.emptySettings)), promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    received += Array(self.unwrapInboundIn(data).readableBytesView)
    guard !sentGoAway, received.count > RawSocket.preface.count else { return }
    let frames = http2FrameTypes(Array(received.dropFirst(RawSocket.preface.count)))
    guard frames.contains(where: { $0.type == 1 }) else { return }
    sentGoAway = true
    // GOAWAY: length 8, type 7, no flags, stream 0; last stream id 0, NO_ERROR.
    let goAway: [UInt8] = [0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: goAway)), promise: nil)
  }
}

/// Forwards a connection's bytes to `127.0.0.1:upstreamPort` and back.
private final class ForwardingHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  let upstreamPort: Int
  private var upstream: (any Channel)?
  private var pending: [ByteBuffer] = []

  init(upstreamPort: Int) { self.upstreamPort = upstreamPort }

  func channelActive(context: ChannelHandlerContext) {
    let downstream = context.channel
    let loop = context.eventLoop
    let bound = NIOLoopBound(self, eventLoop: loop)
    ClientBootstrap(group: loop)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(BackHandler(downstream: downstream))
        }
      }
      .connect(host: "127.0.0.1", port: upstreamPort)
      .whenComplete { result in
        switch result {
        case .success(let channel):
          bound.value.upstream = channel
          for buffer in bound.value.pending { channel.write(buffer, promise: nil) }
          bound.value.pending = []
          channel.flush()
        case .failure:
          downstream.close(promise: nil)
        }
      }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = self.unwrapInboundIn(data)
    if let upstream {
      upstream.writeAndFlush(buffer, promise: nil)
    } else {
      pending.append(buffer)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    upstream?.close(promise: nil)
  }
}

private final class BackHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  let downstream: any Channel

  init(downstream: any Channel) { self.downstream = downstream }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    downstream.writeAndFlush(self.unwrapInboundIn(data), promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    downstream.close(promise: nil)
  }
}
