import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP/1.1 listener: SwiftNIO's `NIOHTTP1` parses requests; each connection is served
/// sequentially (keep-alive) by ``GatewayHandler``.
public final class HTTP1Server: Sendable {
  private let handler: GatewayHandler
  private let host: String
  private let port: Int
  private let group: any EventLoopGroup
  private let maxBodyBytes: Int

  public init(
    handler: GatewayHandler, host: String, port: Int,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    maxBodyBytes: Int = 1 << 20
  ) {
    self.handler = handler
    self.host = host
    self.port = port
    self.group = group
    self.maxBodyBytes = maxBodyBytes
  }

  typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

  /// Binds, calls `onBound` with the real port, and serves until the task is cancelled.
  public func serve(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
    let server = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          return try Connection(wrappingChannelSynchronously: channel)
        }
      }
    onBound(server.channel.localAddress?.port ?? port)
    try await withThrowingDiscardingTaskGroup { group in
      try await server.executeThenClose { connections in
        for try await connection in connections {
          group.addTask { await self.serve(connection) }
        }
      }
    }
  }

  private func serve(_ connection: Connection) async {
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
              body: Array(body.readableBytesView))
            let response = await handler.handle(request, bodyTooLarge: tooLarge)
            var headers = HTTPHeaders()
            for (name, value) in response.headers { headers.add(name: name, value: value) }
            headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
            if !requestHead.isKeepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
            try await outbound.write(
              .head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)))
            if !response.body.isEmpty {
              try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
            }
            try await outbound.write(.end(nil))
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
