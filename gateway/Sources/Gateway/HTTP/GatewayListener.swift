import GRPCNGHTTP2Transport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The gateway's one port: each accepted connection is HTTP/1.1 (SwiftNIO's `NIOHTTP1`,
/// keep-alive, ``HTTP1RequestHandler`` calling ``GatewayHandler``) or HTTP/2 with prior knowledge
/// (h2c), told apart by ``HTTPVersionDetector``. HTTP/2 connections are adopted by the
/// nghttp2 server transport, which runs gRPC calls through the pass-through and hands REST
/// requests back to the same ``GatewayHandler`` (``RESTOverHTTP2Responder``).
public final class GatewayListener: Sendable {
  private let handler: GatewayHandler
  private let http2: NGHTTP2ServerTransport?
  private let host: String
  private let port: Int
  private let group: any EventLoopGroup
  private let maxBodyBytes: Int

  /// - Parameter http2: the (unbound, listening) transport that adopts HTTP/2 connections;
  ///   `nil` serves HTTP/1.1 only and closes HTTP/2 connections.
  public init(
    handler: GatewayHandler, http2: NGHTTP2ServerTransport?, host: String, port: Int,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    maxBodyBytes: Int = 1 << 20
  ) {
    self.handler = handler
    self.http2 = http2
    self.host = host
    self.port = port
    self.group = group
    self.maxBodyBytes = maxBodyBytes
  }

  struct HTTP2NotServed: Error {}

  /// Binds, calls `onBound` with the real port, and serves until the task is cancelled.
  public func serve(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
    let http2 = self.http2
    let handler = self.handler
    let maxBodyBytes = self.maxBodyBytes
    let open = OpenChannels()
    let server = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: host, port: port) { channel in
        open.insert(channel)
        return channel.eventLoop.makeCompletedFuture {
          let detected = channel.eventLoop.makePromise(of: Void.self)
          let detector = HTTPVersionDetector(
            configure: { channel, version in
              switch version {
              case .http1:
                // HTTP1RequestHandler answers in order itself; the response headers are the
                // gateway's own, so NIO's pipelining and header-validation handlers would only
                // add per-message work.
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                  withPipeliningAssistance: false, withErrorHandling: true,
                  withOutboundHeaderValidation: false)
                try channel.pipeline.syncOperations.addHandler(
                  HTTP1RequestHandler(handler: handler, maxBodyBytes: maxBodyBytes))
                detected.succeed()
              case .http2:
                guard let http2 else { throw HTTP2NotServed() }
                try http2.adoptConnection(channel)
                detected.succeed()
              }
            },
            onFailure: { detected.fail($0) })
          try channel.pipeline.syncOperations.addHandler(detector)
          return detected.futureResult
        }
      }
    onBound(server.channel.localAddress?.port ?? port)
    // Each connection serves itself from its pipeline; the loop only keeps accepting.
    defer { open.closeAll() }
    try await server.executeThenClose { connections in
      for try await _ in connections {}
    }
  }
}

/// The accepted connections still open, so stopping the listener closes them too.
final class OpenChannels: Sendable {
  private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

  func insert(_ channel: any Channel) {
    let id = ObjectIdentifier(channel)
    channels.withLock { $0[id] = channel }
    channel.closeFuture.whenComplete { _ in
      _ = self.channels.withLock { $0.removeValue(forKey: id) }
    }
  }

  func closeAll() {
    let all = channels.withLock { Array($0.values) }
    for channel in all { channel.close(promise: nil) }
  }
}
