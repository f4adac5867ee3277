public import GRPCCore
public import NIOCore
public import NIOPosix
import Synchronization

/// A gRPC `ClientTransport` speaking HTTP/2 through libnghttp2 over SwiftNIO sockets.
///
/// ```swift
/// let transport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 50051))
/// try await withGRPCClient(transport: transport) { client in ... }
/// ```
///
/// Keeps one multiplexed HTTP/2 connection to the target, opened on the first RPC. When it
/// fails, RPCs fail fast with UNAVAILABLE (or wait, with `waitForReady`) while reconnection
/// attempts are spaced by ``Config/backoff``.
public final class NGHTTP2ClientTransport: ClientTransport, Sendable {
  public typealias Bytes = [UInt8]

  /// The server to connect to.
  public struct Target: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable {
      case ipv4(String, Int)
      case ipv6(String, Int)
      case dns(String, Int)
    }

    let kind: Kind

    /// An IPv4 address such as `127.0.0.1`.
    public static func ipv4(host: String, port: Int) -> Self { Self(kind: .ipv4(host, port)) }
    /// An IPv6 address such as `::1`.
    public static func ipv6(host: String, port: Int) -> Self { Self(kind: .ipv6(host, port)) }
    /// A host name resolved at connect time, such as `localhost`.
    public static func dns(host: String, port: Int) -> Self { Self(kind: .dns(host, port)) }

    var host: String {
      switch self.kind {
      case .ipv4(let host, _), .ipv6(let host, _), .dns(let host, _): return host
      }
    }

    var port: Int {
      switch self.kind {
      case .ipv4(_, let port), .ipv6(_, let port), .dns(_, let port): return port
      }
    }

    /// The `:authority` pseudo-header.
    var authority: String {
      switch self.kind {
      case .ipv6(let host, let port): return "[\(host)]:\(port)"
      case .ipv4(let host, let port), .dns(let host, let port): return "\(host):\(port)"
      }
    }

    public var description: String {
      switch self.kind {
      case .ipv4(let host, let port): return "ipv4:\(host):\(port)"
      case .ipv6(let host, let port): return "ipv6:[\(host)]:\(port)"
      case .dns(let host, let port): return "dns:\(host):\(port)"
      }
    }
  }

  /// Client tuning.
  public struct Config: Sendable {
    /// Largest response message accepted; larger ones fail the RPC with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int
    /// PING keepalive; `nil` sends none.
    public var keepalive: NGHTTP2Keepalive?
    /// Close the connection after this long without open RPCs; the next RPC reconnects.
    public var idleTimeout: Duration?
    /// Spacing of reconnection attempts.
    public var backoff: NGHTTP2ConnectionBackoff
    /// Time allowed for TCP connect plus the server's SETTINGS.
    public var connectTimeout: Duration
    /// HTTP/2 stream receive window (SETTINGS_INITIAL_WINDOW_SIZE).
    public var initialStreamWindowSize: Int
    /// Transport security; only `.plaintext` (h2c with prior knowledge) exists today.
    public var security: NGHTTP2TransportSecurity
    /// Method configuration (timeouts, retries) handed to GRPCCore.
    public var serviceConfig: ServiceConfig

    public init(
      maxReceiveMessageSize: Int = 4 * 1024 * 1024,
      keepalive: NGHTTP2Keepalive? = nil,
      idleTimeout: Duration? = .seconds(30 * 60),
      backoff: NGHTTP2ConnectionBackoff = NGHTTP2ConnectionBackoff(),
      connectTimeout: Duration = .seconds(20),
      initialStreamWindowSize: Int = 1024 * 1024,
      security: NGHTTP2TransportSecurity = .plaintext,
      serviceConfig: ServiceConfig = ServiceConfig()
    ) {
      self.maxReceiveMessageSize = maxReceiveMessageSize
      self.keepalive = keepalive
      self.idleTimeout = idleTimeout
      self.backoff = backoff
      self.connectTimeout = connectTimeout
      self.initialStreamWindowSize = initialStreamWindowSize
      self.security = security
      self.serviceConfig = serviceConfig
    }

    /// 4 MiB messages, no keepalive, 30 minute idle timeout, gRPC's default backoff, plaintext.
    public static var defaults: Self { Self() }
  }

  /// A connected HTTP/2 connection the transport hands streams to.
  struct Connection: Sendable {
    let id: Int
    let mailbox: Mailbox<ClientConnectionHandler>
    /// Held by every RPC from the moment it picks this connection until it ends.
    let reservations: StreamReservations
    let channel: any Channel
    let remotePeer: String
    let localPeer: String
  }

  private enum ConnectionState {
    case idle
    case connecting(EventLoopFuture<Connection>, StreamReservations)
    case ready(Connection)
    case transientFailure(retryAt: ContinuousClock.Instant, error: any Error)
    case shutdown
  }

  private struct State {
    var connection = ConnectionState.idle
    var failedAttempts = 0
    var nextID = 0
    var live: [Int: Connection] = [:]
    var shutdownRequested = false
    var cancelled = false
    var connectWaiters: [CheckedContinuation<Void, Never>] = []
  }

  private let target: Target
  let config: Config
  private let group: any EventLoopGroup
  private let state = Mutex(State())
  private let methodConfigs: [MethodDescriptor: MethodConfig]
  private let defaultMethodConfig: MethodConfig?

  public let retryThrottle: RetryThrottle?

  /// - Parameters:
  ///   - target: The server.
  ///   - config: Limits, keepalive, idle timeout and backoff.
  ///   - eventLoopGroup: Event loops for the connection.
  public init(
    target: Target,
    config: Config = .defaults,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.target = target
    self.config = config
    self.group = eventLoopGroup
    self.retryThrottle = config.serviceConfig.retryThrottling.map { RetryThrottle(policy: $0) }
    var configs: [MethodDescriptor: MethodConfig] = [:]
    var fallback: MethodConfig?
    for methodConfig in config.serviceConfig.methodConfig {
      for name in methodConfig.names {
        let method = name.method
        if !method.isEmpty {
          configs[MethodDescriptor(fullyQualifiedService: name.service, method: method)] =
            methodConfig
        } else if !name.service.isEmpty {
          configs[MethodDescriptor(fullyQualifiedService: name.service, method: "")] = methodConfig
        } else {
          fallback = methodConfig
        }
      }
    }
    self.methodConfigs = configs
    self.defaultMethodConfig = fallback
  }

  /// Runs until ``beginGracefulShutdown()`` has been called and the last connection closed.
  /// Connections themselves are opened on demand by RPCs.
  /// Cancelling the calling task shuts the transport down and returns at once.
  public func connect() async throws {
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let done = self.state.withLock { state -> Bool in
          if state.shutdownRequested && (state.live.isEmpty || state.cancelled) { return true }
          state.connectWaiters.append(continuation)
          return false
        }
        if done { continuation.resume() }
      }
    } onCancel: {
      let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
        state.cancelled = true
        let waiters = state.connectWaiters
        state.connectWaiters = []
        return waiters
      }
      self.beginGracefulShutdown()
      for waiter in waiters { waiter.resume() }
    }
  }

  /// Refuses new RPCs (UNAVAILABLE) and closes the connection once its RPCs have finished.
  public func beginGracefulShutdown() {
    let (live, waiters) = self.state.withLock {
      state -> ([Connection], [CheckedContinuation<Void, Never>]) in
      state.shutdownRequested = true
      state.connection = .shutdown
      let waiters = state.live.isEmpty ? state.connectWaiters : []
      if state.live.isEmpty { state.connectWaiters = [] }
      return (Array(state.live.values), waiters)
    }
    for connection in live { connection.mailbox.post(.gracefulShutdown) }
    for waiter in waiters { waiter.resume() }
  }

  public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? {
    if let config = self.methodConfigs[descriptor] { return config }
    if let config = self.methodConfigs[
      MethodDescriptor(fullyQualifiedService: descriptor.service.fullyQualifiedService, method: "")]
    {
      return config
    }
    return self.defaultMethodConfig
  }

  public func withStream<T: Sendable>(
    descriptor: MethodDescriptor,
    options: CallOptions,
    _ closure: (_ stream: RPCStream<Inbound, Outbound>, _ context: ClientContext) async throws -> T
  ) async throws -> T {
    let connection = try await self.readyConnection(waitForReady: options.waitForReady ?? false)
    defer { connection.reservations.release() }
    let maxSize =
      options.maxResponseMessageBytes.map { min($0, self.config.maxReceiveMessageSize) }
      ?? self.config.maxReceiveMessageSize
    let mailbox = connection.mailbox

    // The queue's demand callback needs the stream and the stream needs the queue: link
    // them through a weak box.
    let streamBox = WeakStreamBox()
    let queue = InboundQueue<RPCResponsePart<[UInt8]>>(
      cancellationError: {
        RPCError(code: .cancelled, message: "The RPC was cancelled by the caller.")
      },
      onDemand: { if let stream = streamBox.stream { mailbox.post(.produceMore(stream)) } }
    )
    let stream = ClientStream(
      descriptor: descriptor,
      maxMessageSize: maxSize,
      mailbox: mailbox,
      sink: .queue(queue)
    )
    streamBox.stream = stream

    let rpc = RPCStream(
      descriptor: descriptor,
      inbound: RPCAsyncSequence<RPCResponsePart<[UInt8]>, any Error>(
        wrapping: ClientInboundSequence(queue: queue)
      ),
      outbound: RPCWriter<RPCRequestPart<[UInt8]>>.Closable(
        wrapping: ClientStreamWriter(stream: stream))
    )
    let context = ClientContext(
      descriptor: descriptor,
      remotePeer: connection.remotePeer,
      localPeer: connection.localPeer
    )

    return try await withTaskCancellationHandler {
      defer {
        // Closing early (an error, or the caller stopped reading) must reset the stream.
        if !stream.isFinished.load(ordering: .acquiring) {
          mailbox.post(.cancel(stream))
        }
      }
      return try await closure(rpc, context)
    } onCancel: {
      mailbox.post(.cancel(stream))
    }
  }

  // MARK: Connection management

  /// A ready connection with a place reserved for one RPC (the caller releases it).
  nonisolated(nonsending) func readyConnection(waitForReady: Bool) async throws -> Connection {
    while true {
      enum Step {
        case use(Connection)
        case await(EventLoopFuture<Connection>, StreamReservations)
        case fail(any Error)
        case sleep(until: ContinuousClock.Instant)
        /// The connection closed for idleness just now; its draining event is on the way.
        case pickAgain
      }
      let now = ContinuousClock.now
      func reservingNewConnection(_ state: inout State) -> Step {
        let (future, reservations) = self.startConnecting(&state)
        // A connection that is not ready yet has no idle timer: this cannot fail.
        _ = reservations.reserve()
        return .await(future, reservations)
      }
      let step = self.state.withLock { state -> Step in
        switch state.connection {
        case .ready(let connection):
          return connection.reservations.reserve() ? .use(connection) : .pickAgain
        case .connecting(let future, let reservations):
          return reservations.reserve() ? .await(future, reservations) : .pickAgain
        case .shutdown:
          return .fail(RPCError(code: .unavailable, message: "The client transport is shut down."))
        case .transientFailure(let retryAt, let error):
          if now < retryAt {
            if waitForReady { return .sleep(until: retryAt) }
            return .fail(
              RPCError(
                code: .unavailable, message: "Couldn't connect to \(self.target): \(error)",
                cause: error)
            )
          }
          return reservingNewConnection(&state)
        case .idle:
          return reservingNewConnection(&state)
        }
      }
      switch step {
      case .use(let connection):
        return connection
      case .fail(let error):
        throw error
      case .sleep(let deadline):
        try await Task.sleep(until: deadline, clock: .continuous)
      case .pickAgain:
        await Task.yield()
      case .await(let future, let reservations):
        do {
          return try await future.get()
        } catch {
          reservations.release()
          if !waitForReady {
            if let rpcError = error as? RPCError { throw rpcError }
            throw RPCError(
              code: .unavailable, message: "Couldn't connect to \(self.target): \(error)",
              cause: error)
          }
        }
      }
    }
  }

  /// Starts a connection attempt; called with the state lock held.
  private func startConnecting(_ state: inout State) -> (
    EventLoopFuture<Connection>, StreamReservations
  ) {
    let eventLoop = self.group.next()
    let promise = eventLoop.makePromise(of: Connection.self)
    let reservations = StreamReservations()
    state.nextID += 1
    let id = state.nextID
    state.connection = .connecting(promise.futureResult, reservations)
    let future = promise.futureResult
    eventLoop.execute {
      self.dial(id: id, on: eventLoop, reservations: reservations, promise: promise)
    }
    return (future, reservations)
  }

  private func dial(
    id: Int, on eventLoop: any EventLoop, reservations: StreamReservations,
    promise: EventLoopPromise<Connection>
  ) {
    let handlerConfig = ClientConnectionHandler.Configuration(
      authority: self.target.authority,
      maxReceiveMessageSize: self.config.maxReceiveMessageSize,
      keepalive: self.config.keepalive,
      idleTimeout: self.config.idleTimeout,
      initialStreamWindowSize: self.config.initialStreamWindowSize
    )
    let readyPromise = eventLoop.makePromise(of: Void.self)
    let bootstrap = ClientBootstrap(group: eventLoop)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelOption(.maxMessagesPerRead, value: 16)
      .connectTimeout(TimeAmount(converting: self.config.connectTimeout))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let handler = ClientConnectionHandler(
            configuration: handlerConfig, reservations: reservations,
            eventLoop: channel.eventLoop
          ) { event in
            switch event {
            case .ready:
              readyPromise.succeed()
            case .draining:
              readyPromise.fail(
                RPCError(
                  code: .unavailable, message: "The connection closed before HTTP/2 was ready."))
              self.connectionDraining(id: id)
            }
          }
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }

    let connected: EventLoopFuture<any Channel>
    switch self.target.kind {
    case .ipv4(let host, let port), .ipv6(let host, let port), .dns(let host, let port):
      connected = bootstrap.connect(host: host, port: port)
    }

    let timeout = eventLoop.scheduleTask(in: TimeAmount(converting: self.config.connectTimeout)) {
      readyPromise.fail(
        RPCError(code: .unavailable, message: "Timed out waiting for the server's HTTP/2 SETTINGS.")
      )
    }
    connected.flatMap { channel -> EventLoopFuture<Connection> in
      readyPromise.futureResult.flatMapError { error in
        channel.close(promise: nil)
        return eventLoop.makeFailedFuture(error)
      }.flatMapThrowing {
        let handler = try channel.pipeline.syncOperations.handler(
          type: ClientConnectionHandler.self)
        return Connection(
          id: id,
          mailbox: handler.mailbox,
          reservations: reservations,
          channel: channel,
          remotePeer: PeerDescription.describe(channel.remoteAddress),
          localPeer: PeerDescription.describe(channel.localAddress)
        )
      }
    }.whenComplete { result in
      timeout.cancel()
      self.connectAttemptFinished(id: id, result: result, promise: promise)
    }
  }

  private func connectAttemptFinished(
    id: Int, result: Result<Connection, any Error>, promise: EventLoopPromise<Connection>
  ) {
    switch result {
    case .success(let connection):
      let closeNow = self.state.withLock { state -> Bool in
        state.live[id] = connection
        state.failedAttempts = 0
        if case .connecting = state.connection {
          state.connection = .ready(connection)
          return false
        }
        return state.shutdownRequested
      }
      if closeNow { connection.mailbox.post(.gracefulShutdown) }
      connection.channel.closeFuture.whenComplete { _ in self.connectionClosed(id: id) }
      promise.succeed(connection)
    case .failure(let error):
      self.state.withLock { state in
        if case .connecting = state.connection {
          let delay = self.config.backoff.delay(forAttempt: state.failedAttempts)
          state.failedAttempts += 1
          state.connection = .transientFailure(retryAt: .now + delay, error: error)
        }
      }
      promise.fail(
        RPCError(
          code: .unavailable, message: "Couldn't connect to \(self.target): \(error)", cause: error)
      )
    }
  }

  private func connectionDraining(id: Int) {
    self.state.withLock { state in
      if case .ready(let connection) = state.connection, connection.id == id {
        state.connection = .idle
      }
    }
  }

  private func connectionClosed(id: Int) {
    let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.live[id] = nil
      if case .ready(let connection) = state.connection, connection.id == id {
        state.connection = .idle
      }
      guard state.shutdownRequested, state.live.isEmpty else { return [] }
      let waiters = state.connectWaiters
      state.connectWaiters = []
      return waiters
    }
    for waiter in waiters { waiter.resume() }
  }
}

/// Lets the inbound sequence's delegate reach its stream without a strong cycle.
private final class WeakStreamBox: @unchecked Sendable {
  // Written once before the sequence can call the delegate; read-only afterwards.
  weak var stream: ClientStream?
}
