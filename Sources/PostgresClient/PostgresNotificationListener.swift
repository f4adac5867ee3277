import CLibPQ
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Receives `NOTIFY`s on a dedicated connection and thread, reconnecting (and re-running
/// `LISTEN`) whenever the connection breaks.
///
/// PostgreSQL does not keep notifications for a listener that is away, so treat them as
/// wake-up calls: after every ``Event/listening`` event (the first connect and every
/// reconnect) re-read whatever state the notifications are about.
///
/// ```swift
/// let listener = PostgresNotificationListener(configuration: config, channels: ["outbox"])
/// for await event in listener.events() {
///   switch event {
///   case .listening: catchUp()
///   case .notification(let notification): handle(notification)
///   }
/// }
/// ```
///
/// Call ``shutdown()`` when done: it closes the connection, ends the thread and finishes
/// every event stream.
public final class PostgresNotificationListener: Sendable {
  /// What a listener reports.
  public enum Event: Sendable, Hashable {
    /// `LISTEN` succeeded on a (new) connection; notifications sent while no connection was
    /// listening were missed.
    case listening
    case notification(PostgresNotification)
  }

  private struct State {
    var subscribers: [UInt64: AsyncStream<Event>.Continuation] = [:]
    var nextSubscriber: UInt64 = 0
    var stopped = false
    var listening = false
  }

  public let channels: [String]
  private let configuration: PostgresConfiguration
  private let reconnectDelay: Duration
  private let pingInterval: Duration
  private let logger: Logger
  private let state = Mutex(State())
  /// A pipe that wakes the listener thread from `poll` (write end, read end).
  private let wakeWrite: Int32
  private let wakeRead: Int32

  /// Starts listening on `channels` at once (on its own thread).
  ///
  /// - Parameters:
  ///   - reconnectDelay: the pause between failed connection attempts.
  ///   - pingInterval: how often an idle connection is checked with `SELECT 1`, so a silently
  ///     dead network path is noticed even without traffic.
  public init(
    configuration: PostgresConfiguration,
    channels: [String],
    reconnectDelay: Duration = .milliseconds(250),
    pingInterval: Duration = .seconds(30),
    logger: Logger = Logger(label: "maac.postgres.listener")
  ) {
    self.configuration = configuration
    self.channels = channels
    self.reconnectDelay = reconnectDelay
    self.pingInterval = pingInterval
    self.logger = logger
    var fds: [Int32] = [0, 0]
    let created = pipe(&fds)
    precondition(created == 0, "cannot create a wake-up pipe: errno \(errno)")
    wakeRead = fds[0]
    wakeWrite = fds[1]
    _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
    let thread = Thread { [self] in self.run() }
    thread.start()
  }

  /// A new stream of events for one consumer. When the listener is connected already, the
  /// stream starts with ``Event/listening``.
  public func events() -> AsyncStream<Event> {
    let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
    let id: UInt64? = state.withLock { state in
      guard !state.stopped else { return nil }
      state.nextSubscriber += 1
      state.subscribers[state.nextSubscriber] = continuation
      if state.listening { continuation.yield(.listening) }
      return state.nextSubscriber
    }
    guard let id else {
      continuation.finish()
      return stream
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Stops listening, closes the connection and finishes every event stream.
  public func shutdown() {
    let subscribers = state.withLock { state in
      state.stopped = true
      let subscribers = Array(state.subscribers.values)
      state.subscribers = [:]
      return subscribers
    }
    wake()
    for subscriber in subscribers { subscriber.finish() }
  }

  // MARK: The listener thread

  private var isStopped: Bool { state.withLock { $0.stopped } }

  private func broadcast(_ event: Event) {
    let subscribers = state.withLock { state in
      if event == .listening { state.listening = true }
      return Array(state.subscribers.values)
    }
    for subscriber in subscribers { subscriber.yield(event) }
  }

  private func wake() {
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
  }

  private func run() {
    var connection: OpaquePointer?
    var failures = 0
    while !isStopped {
      guard let pg = connection else {
        // Only the first failure of an outage is a warning; retries back off up to 2 s.
        connection = connectAndListen(logLevel: failures == 0 ? .warning : .debug)
        if connection != nil {
          if failures > 0 { logger.info("listener reconnected after \(failures) attempts") }
          failures = 0
          broadcast(.listening)
        } else {
          failures += 1
          let backoff = reconnectDelay * (1 << min(failures - 1, 6))
          sleepInterruptibly(min(backoff, max(reconnectDelay, .seconds(2))))
        }
        continue
      }
      if !waitForNotifications(on: pg) {
        logger.warning("listener connection lost; reconnecting")
        state.withLock { $0.listening = false }
        PQfinish(pg)
        connection = nil
      }
    }
    if let connection { PQfinish(connection) }
    close(wakeRead)
    close(wakeWrite)
  }

  /// Connects and runs `LISTEN` for every channel; `nil` when that failed.
  private func connectAndListen(logLevel: Logger.Level) -> OpaquePointer? {
    guard let pg = PQconnectdb(configuration.conninfo) else { return nil }
    guard PQstatus(pg) == CONNECTION_OK else {
      logger.log(
        level: logLevel, "listener cannot connect",
        metadata: ["error": "\(String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines())"])
      PQfinish(pg)
      return nil
    }
    for channel in channels {
      let result = PQexec(pg, "LISTEN " + PostgresQuery.quoteIdentifier(channel))
      let ok = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
      if let result { PQclear(result) }
      guard ok else {
        logger.log(
          level: logLevel, "LISTEN failed",
          metadata: [
            "channel": "\(channel)",
            "error": "\(String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines())",
          ])
        PQfinish(pg)
        return nil
      }
    }
    return pg
  }

  /// Waits for traffic (or a wake-up or the ping interval) and delivers notifications;
  /// `false` when the connection is broken.
  private func waitForNotifications(on pg: OpaquePointer) -> Bool {
    var descriptors = [
      pollfd(fd: PQsocket(pg), events: Int16(POLLIN), revents: 0),
      pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
    ]
    let timeout = Self.milliseconds(pingInterval)
    let ready = poll(&descriptors, 2, timeout)
    if ready < 0 { return errno == EINTR }
    if descriptors[1].revents != 0 {
      var sink = [UInt8](repeating: 0, count: 64)
      while read(wakeRead, &sink, sink.count) > 0 {}
    }
    if ready == 0 {
      let result = PQexec(pg, "SELECT 1")
      let ok = result.map { PQresultStatus($0) == PGRES_TUPLES_OK } ?? false
      if let result { PQclear(result) }
      if !ok { return false }
    }
    if descriptors[0].revents != 0 || ready == 0 {
      guard PQconsumeInput(pg) == 1 else { return false }
    }
    while let raw = PQnotifies(pg) {
      let notification = PostgresNotification(
        channel: String(cString: raw.pointee.relname),
        payload: String(cString: raw.pointee.extra),
        senderPID: raw.pointee.be_pid)
      PQfreemem(raw)
      broadcast(.notification(notification))
    }
    return PQstatus(pg) == CONNECTION_OK
  }

  private func sleepInterruptibly(_ duration: Duration) {
    var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
    _ = poll(&descriptor, 1, Self.milliseconds(duration))
  }

  private static func milliseconds(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    return Int32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
  }
}
