import NIOCore
import NIOPosix

/// A TCP server that sends one empty SETTINGS frame and then never says anything again
/// (no SETTINGS ACK, no PING ACK, no responses), recording what clients send it: a peer
/// that has silently died, as far as keepalive can tell.
final class SilentHTTP2Server: Sendable {
  private let channel: any Channel
  private let collector: ByteCollector

  var port: Int { self.channel.localAddress?.port ?? 0 }

  private init(channel: any Channel, collector: ByteCollector) {
    self.channel = channel
    self.collector = collector
  }

  static func start() async throws -> SilentHTTP2Server {
    let collector = ByteCollector()
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(SilentHandler(collector: collector))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    return SilentHTTP2Server(channel: channel, collector: collector)
  }

  /// Everything received from the (single) client connection so far.
  func receivedBytes() async throws -> [UInt8] {
    self.collector.bytes
  }

  func stop() async {
    try? await self.channel.close()
  }
}

private final class SilentHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  let collector: ByteCollector

  init(collector: ByteCollector) { self.collector = collector }

  func channelActive(context: ChannelHandlerContext) {
    context.writeAndFlush(
      self.wrapOutboundOut(ByteBuffer(bytes: RawSocket.emptySettings)), promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let bytes = Array(self.unwrapInboundIn(data).readableBytesView)
    self.collector.append(bytes)
  }
}
