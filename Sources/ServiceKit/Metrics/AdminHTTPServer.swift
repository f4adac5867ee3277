import NIOCore
import NIOHTTP1
import NIOPosix

/// The plain-HTTP side door of a service process: `GET /metrics` (Prometheus text format)
/// and `GET /healthz` (200 while serving, 503 otherwise), for scrapers and orchestrators
/// that do not speak gRPC.
public final class AdminHTTPServer: Sendable {
  private let channel: any Channel

  /// The bound address (the real port when 0 was asked for).
  public var localAddress: HostAndPort {
    HostAndPort(host: channel.localAddress?.ipAddress ?? "", port: channel.localAddress?.port ?? 0)
  }

  private init(channel: any Channel) {
    self.channel = channel
  }

  /// Binds and starts serving.
  public static func start(
    at address: HostAndPort,
    metrics: RPCMetrics,
    health: HealthStatusRegistry,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws -> AdminHTTPServer {
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(AdminHTTPHandler(metrics: metrics, health: health))
        }
      }
      .bind(host: address.host, port: address.port)
      .get()
    return AdminHTTPServer(channel: channel)
  }

  /// Stops listening.
  public func close() async throws {
    try await channel.close()
  }
}

private final class AdminHTTPHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let metrics: RPCMetrics
  private let health: HealthStatusRegistry
  private var path: String?
  private var keepAlive = true

  init(metrics: RPCMetrics, health: HealthStatusRegistry) {
    self.metrics = metrics
    self.health = health
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      path = head.method == .GET ? String(head.uri.split(separator: "?").first ?? "") : nil
      keepAlive = head.isKeepAlive
    case .body:
      break
    case .end:
      let (status, body, contentType) = respond(to: path)
      var headers = HTTPHeaders()
      headers.add(name: "content-type", value: contentType)
      headers.add(name: "content-length", value: String(body.utf8.count))
      if !keepAlive { headers.add(name: "connection", value: "close") }
      let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
      context.write(wrapOutboundOut(.head(head)), promise: nil)
      context.write(
        wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
        promise: nil)
      let keepAlive = self.keepAlive
      context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
        if !keepAlive { context.close(promise: nil) }
      }
    }
  }

  private func respond(to path: String?) -> (HTTPResponseStatus, String, String) {
    switch path {
    case "/metrics":
      return (.ok, metrics.render(), "text/plain; version=0.0.4")
    case "/healthz":
      return health.status() == .serving
        ? (.ok, "serving\n", "text/plain") : (.serviceUnavailable, "not serving\n", "text/plain")
    case nil:
      return (.methodNotAllowed, "only GET\n", "text/plain")
    default:
      return (.notFound, "try /metrics or /healthz\n", "text/plain")
    }
  }
}
