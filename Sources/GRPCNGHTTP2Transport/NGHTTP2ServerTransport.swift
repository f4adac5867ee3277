public import GRPCCore
public import NIOCore
public import NIOPosix
import Synchronization

/// A gRPC `ServerTransport` speaking HTTP/2 through libnghttp2 over SwiftNIO sockets.
///
/// ```swift
/// let transport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
/// let server = GRPCServer(transport: transport, services: [MyService()])
/// try await server.serve()
/// ```
///
/// Each accepted connection gets one nghttp2 session, driven on that connection's event loop.
/// Each RPC runs as a child task of ``listen(streamHandler:)``.
public final class NGHTTP2ServerTransport: ServerTransport, Sendable {
  public typealias Bytes = [UInt8]

  /// Where the server listens.
  public struct Address: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable {
      case ipv4(String, Int)
      case ipv6(String, Int)
      /// No socket of its own: connections come through `adoptConnection(_:)`.
      case unbound
    }

    let kind: Kind

    /// An IPv4 address, e.g. `.ipv4(host: "127.0.0.1", port: 0)`; port 0 picks a free port.
    public static func ipv4(host: String, port: Int) -> Self { Self(kind: .ipv4(host, port)) }
    /// An IPv6 address, e.g. `.ipv6(host: "::1", port: 0)`; port 0 picks a free port.
    public static func ipv6(host: String, port: Int) -> Self { Self(kind: .ipv6(host, port)) }

    public var description: String {
      switch self.kind {
      case .ipv4(let host, let port): return "ipv4:\(host):\(port)"
      case .ipv6(let host, let port): return "ipv6:[\(host)]:\(port)"
      case .unbound: return "unbound"
      }
    }

    var host: String {
      switch self.kind {
      case .ipv4(let host, _), .ipv6(let host, _): return host
      case .unbound: return ""
      }
    }

    var port: Int {
      switch self.kind {
      case .ipv4(_, let port), .ipv6(_, let port): return port
      case .unbound: return 0
      }
    }
  }

  /// The address the server is bound to, with the real port.
  public struct ListeningAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var description: String { "\(self.host):\(self.port)" }
  }

  /// Server tuning.
  public struct Config: Sendable {
    /// Largest request message accepted; larger ones fail the RPC with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients; `nil` advertises no limit.
    public var maxConcurrentStreams: Int?
    /// Server-initiated PINGs; `nil` sends none (client PINGs are always answered).
    public var keepalive: NGHTTP2Keepalive?
    /// Connections without open RPCs for this long get a GOAWAY and are closed.
    public var idleTimeout: Duration?
    /// HTTP/2 stream receive window (SETTINGS_INITIAL_WINDOW_SIZE).
    public var initialStreamWindowSize: Int
    /// Transport security; only `.plaintext` (h2c with prior knowledge) exists today.
    public var security: NGHTTP2TransportSecurity
    /// Answers requests that are not gRPC (no `application/grpc*` content-type) on the same
    /// connections; `nil` rejects them with 415 as the gRPC spec asks.
    public var plainResponder: (any HTTP2PlainResponder)?
    /// Largest body of a non-gRPC request buffered for ``plainResponder``; a larger body is
    /// dropped and the request marked ``HTTP2PlainRequest/bodyTooLarge``.
    public var maxPlainRequestBodySize: Int

    public init(
      maxReceiveMessageSize: Int = 4 * 1024 * 1024,
      maxConcurrentStreams: Int? = nil,
      keepalive: NGHTTP2Keepalive? = nil,
      idleTimeout: Duration? = nil,
      initialStreamWindowSize: Int = 1024 * 1024,
      security: NGHTTP2TransportSecurity = .plaintext,
      plainResponder: (any HTTP2PlainResponder)? = nil,
      maxPlainRequestBodySize: Int = 1 << 20
    ) {
      self.maxReceiveMessageSize = maxReceiveMessageSize
      self.maxConcurrentStreams = maxConcurrentStreams
      self.keepalive = keepalive
      self.idleTimeout = idleTimeout
      self.initialStreamWindowSize = initialStreamWindowSize
      self.security = security
      self.plainResponder = plainResponder
      self.maxPlainRequestBodySize = maxPlainRequestBodySize
    }

    /// 4 MiB messages, no stream limit, no keepalive or idle timeout, plaintext.
    public static var defaults: Self { Self() }
  }

  enum State {
    case idle
    /// The listener, or `nil` for an unbound transport that only adopts connections.
    case listening((any Channel)?)
    case shuttingDown
    case finished
  }

  struct Shared {
    var state = State.idle
    var address: Result<ListeningAddress, any Error>?
    var addressWaiters: [CheckedContinuation<ListeningAddress, any Error>] = []
    var connections: [ObjectIdentifier: ConnectionEntry] = [:]
    var streams: AsyncStream<AcceptedServerStream>.Continuation?
    var shutdownRequested = false
    /// Where adopted connections hand their RPCs, once ``listen(streamHandler:)`` runs.
    var onStream: (@Sendable (AcceptedServerStream) -> Void)?
  }

  struct ConnectionEntry: Sendable {
    let beginShutdown: @Sendable () -> Void
    let forceClose: @Sendable () -> Void
  }

  private let address: Address
  let config: Config
  private let group: any EventLoopGroup
  let shared = Mutex(Shared())

  /// - Parameters:
  ///   - address: Where to listen; port 0 picks a free port (read it from ``listeningAddress``).
  ///   - config: Limits, keepalive and idle settings.
  ///   - eventLoopGroup: Event loops for the listener and connections.
  public init(
    address: Address,
    config: Config = .defaults,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.address = address
    self.config = config
    self.group = eventLoopGroup
  }

  /// The bound address, available once ``listen(streamHandler:)`` has bound the socket.
  /// Throws if binding failed or the transport was shut down before listening.
  public var listeningAddress: ListeningAddress {
    get async throws {
      try await withCheckedThrowingContinuation { continuation in
        let result = self.shared.withLock { shared -> Result<ListeningAddress, any Error>? in
          if let address = shared.address { return address }
          shared.addressWaiters.append(continuation)
          return nil
        }
        if let result { continuation.resume(with: result) }
      }
    }
  }

  public func listen(
    streamHandler:
      @escaping @Sendable (
        _ stream: RPCStream<Inbound, Outbound>,
        _ context: ServerContext
      ) async -> Void
  ) async throws {
    let (accepted, continuation) = AsyncStream.makeStream(of: AcceptedServerStream.self)
    let onStream: @Sendable (AcceptedServerStream) -> Void = { continuation.yield($0) }

    let channel: (any Channel)?
    do {
      if case .unbound = self.address.kind {
        channel = nil
      } else {
        channel = try await self.bind(onStream: onStream)
      }
    } catch {
      self.publishAddress(.failure(error))
      throw RuntimeError(
        code: .transportError, message: "Couldn't bind \(self.address).", cause: error)
    }

    let proceed = self.shared.withLock { shared -> Bool in
      shared.streams = continuation
      shared.onStream = onStream
      if shared.shutdownRequested { return false }
      shared.state = .listening(channel)
      return true
    }
    let local = channel?.localAddress
    self.publishAddress(
      .success(
        ListeningAddress(
          host: local?.ipAddress ?? self.address.host, port: local?.port ?? self.address.port))
    )
    if !proceed {
      channel?.close(promise: nil)
    }

    channel?.closeFuture.whenComplete { _ in
      self.listenerClosed()
    }

    // Cancelling `listen` is a shutdown request: stop accepting and drain.
    await withTaskCancellationHandler {
      await self.serve(accepted, streamHandler: streamHandler)
    } onCancel: {
      self.beginGracefulShutdown()
      // Cancellation means "stop now": close connections, which cancels their RPCs' tasks.
      let connections = self.shared.withLock { Array($0.connections.values) }
      for connection in connections { connection.forceClose() }
    }
    self.shared.withLock { $0.state = .finished }
  }

  private func serve(
    _ accepted: AsyncStream<AcceptedServerStream>,
    streamHandler:
      @escaping @Sendable (
        _ stream: RPCStream<Inbound, Outbound>,
        _ context: ServerContext
      ) async -> Void
  ) async {
    // One unstructured task per RPC (rather than a task-group child plus a helper child):
    // its handle is what lets a deadline or a peer reset cancel the handler. `tracker` keeps
    // `listen()` from returning before every RPC has.
    let tracker = RPCTaskTracker()
    for await item in accepted {
      tracker.enter()
      let task = Task {
        defer {
          item.stream.detachTask()
          tracker.leave()
        }
        await withServerContextRPCCancellationHandle { handle in
          item.stream.setCancellationHandle(handle)
          let context = ServerContext(
            descriptor: item.rpc.descriptor,
            remotePeer: item.remotePeer,
            localPeer: item.localPeer,
            cancellation: handle
          )
          await withRPCCancellationHandler {
            await streamHandler(item.rpc, context)
          } onCancelRPC: {
            // A peer reset already failed the stream; otherwise GRPCCore's deadline fired and
            // the client is owed DEADLINE_EXCEEDED before the handler unwinds.
            if !item.stream.isCancelledByPeer {
              item.stream.mailbox.post(
                .part(
                  item.stream,
                  .status(Status(code: .deadlineExceeded, message: "Deadline exceeded."), [:]))
              )
            }
            item.stream.cancelTask()
          }
        }
      }
      item.stream.attach(task)
    }
    await tracker.waitUntilIdle()
  }

  private func bind(onStream: @escaping @Sendable (AcceptedServerStream) -> Void) async throws
    -> any Channel
  {
    let handlerConfig = self.handlerConfiguration
    let bootstrap = ServerBootstrap(group: self.group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.maxMessagesPerRead, value: 16)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let handler = ServerConnectionHandler(
            configuration: handlerConfig,
            eventLoop: channel.eventLoop,
            onStream: onStream
          )
          try channel.pipeline.syncOperations.addHandler(handler)
          self.register(channel: channel, handler: handler)
        }
      }
    return try await bootstrap.bind(host: self.address.host, port: self.address.port).get()
  }

  var handlerConfiguration: ServerConnectionHandler.Configuration {
    ServerConnectionHandler.Configuration(
      maxReceiveMessageSize: self.config.maxReceiveMessageSize,
      maxConcurrentStreams: self.config.maxConcurrentStreams,
      keepalive: self.config.keepalive,
      idleTimeout: self.config.idleTimeout,
      initialStreamWindowSize: self.config.initialStreamWindowSize,
      plainResponder: self.config.plainResponder,
      maxPlainRequestBodySize: self.config.maxPlainRequestBodySize
    )
  }

  func register(channel: any Channel, handler: ServerConnectionHandler) {
    let id = ObjectIdentifier(channel)
    let mailbox = handler.mailbox
    let entry = ConnectionEntry(
      beginShutdown: { mailbox.post(.gracefulShutdown) },
      forceClose: { mailbox.post(.forceClose) }
    )
    let shutDownNow = self.shared.withLock { shared -> Bool in
      shared.connections[id] = entry
      return shared.shutdownRequested
    }
    if shutDownNow { entry.beginShutdown() }
    channel.closeFuture.whenComplete { _ in
      let finish = self.shared.withLock {
        shared -> AsyncStream<AcceptedServerStream>.Continuation? in
        shared.connections[id] = nil
        return Self.takeFinishableStreams(&shared)
      }
      finish?.finish()
    }
  }

  private func listenerClosed() {
    let finish = self.shared.withLock { shared -> AsyncStream<AcceptedServerStream>.Continuation? in
      shared.shutdownRequested = true
      if case .listening = shared.state { shared.state = .shuttingDown }
      return Self.takeFinishableStreams(&shared)
    }
    finish?.finish()
  }

  /// Once shut down and the last connection is gone, no more RPCs can arrive.
  private static func takeFinishableStreams(_ shared: inout Shared) -> AsyncStream<
    AcceptedServerStream
  >.Continuation? {
    guard shared.shutdownRequested, shared.connections.isEmpty else { return nil }
    if case .listening = shared.state { return nil }
    let streams = shared.streams
    shared.streams = nil
    return streams
  }

  private func publishAddress(_ result: Result<ListeningAddress, any Error>) {
    let waiters = self.shared.withLock {
      shared -> [CheckedContinuation<ListeningAddress, any Error>] in
      if shared.address != nil { return [] }
      shared.address = result
      let waiters = shared.addressWaiters
      shared.addressWaiters = []
      return waiters
    }
    for waiter in waiters { waiter.resume(with: result) }
  }

  /// Stops accepting connections, sends GOAWAY on every open connection and lets in-flight
  /// RPCs finish; ``listen(streamHandler:)`` returns once the last of them has.
  public func beginGracefulShutdown() {
    let (listener, connections) = self.shared.withLock {
      shared -> ((any Channel)?, [ConnectionEntry]) in
      shared.shutdownRequested = true
      var listener: (any Channel)?
      if case .listening(let channel) = shared.state {
        listener = channel
        shared.state = .shuttingDown
      }
      return (listener, Array(shared.connections.values))
    }
    if listener == nil {
      self.publishAddress(
        .failure(
          RuntimeError(code: .serverIsStopped, message: "The server transport was shut down.")))
    }
    listener?.close(promise: nil)
    for connection in connections { connection.beginShutdown() }
    // If nothing was listening yet there's no close future to finish the stream.
    let finish = self.shared.withLock { Self.takeFinishableStreams(&$0) }
    finish?.finish()
  }
}
