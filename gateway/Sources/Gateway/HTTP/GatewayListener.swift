import GRPCNGHTTP2Transport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The gateway's one port: each accepted connection is HTTP/1.1 (SwiftNIO's `NIOHTTP1`,
/// keep-alive, served sequentially by ``GatewayHandler``) or HTTP/2 with prior knowledge
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

  typealias HTTP1Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

  /// What a detected connection needs from the accept loop.
  enum Detected: Sendable {
    case http1(HTTP1Connection)
    /// Owned by the HTTP/2 transport from here on.
    case http2
  }

  struct HTTP2NotServed: Error {}

  /// Binds, calls `onBound` with the real port, and serves until the task is cancelled.
  public func serve(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
    let http2 = self.http2
    let server = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          let detected = channel.eventLoop.makePromise(of: Detected.self)
          let detector = HTTPVersionDetector(
            configure: { channel, version in
              switch version {
              case .http1:
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                  withErrorHandling: true)
                detected.succeed(.http1(try HTTP1Connection(wrappingChannelSynchronously: channel)))
              case .http2:
                guard let http2 else { throw HTTP2NotServed() }
                try http2.adoptConnection(channel)
                detected.succeed(.http2)
              }
            },
            onFailure: { detected.fail($0) })
          try channel.pipeline.syncOperations.addHandler(detector)
          return detected.futureResult
        }
      }
    onBound(server.channel.localAddress?.port ?? port)
    try await withThrowingDiscardingTaskGroup { group in
      try await server.executeThenClose { connections in
        for try await connection in connections {
          group.addTask {
            guard case .http1(let http1)? = try? await connection.get() else { return }
            await self.serve(http1)
          }
        }
      }
    }
  }

  private func serve(_ connection: HTTP1Connection) async {
    let remote = connection.channel.remoteAddress?.ipAddress
    do {
      try await connection.executeThenClose { inbound, outbound in
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        var tooLarge = false
        for try await part in inbound {
          switch part {
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
            guard let requestHead = head else { continue }
            let request = HTTPRequest(
              method: requestHead.method, uri: requestHead.uri, headers: requestHead.headers,
              body: Array(body.readableBytesView), remoteAddress: remote)
            let response = await handler.handle(request, bodyTooLarge: tooLarge)
            var headers = HTTPHeaders()
            headers.reserveCapacity(response.headers.count + 2)
            for (name, value) in response.headers { headers.add(name: name, value: value) }
            headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
            if !requestHead.isKeepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
            // Head and body in one write and one flush.
            try await outbound.write(
              contentsOf: response.body.isEmpty
                ? [
                  .head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)),
                  .end(nil),
                ]
                : [
                  .head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)),
                  .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
                ])
            if !requestHead.isKeepAlive { return }
            head = nil
          }
        }
      }
    } catch {
      // A client that resets its connection is not the gateway's failure.
    }
  }
}
