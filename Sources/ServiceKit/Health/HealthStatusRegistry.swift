import Synchronization

/// The serving status of a process and of each service it hosts, with change notification
/// for `grpc.health.v1.Health/Watch` and the admin HTTP `/healthz` endpoint.
public final class HealthStatusRegistry: Sendable {
  /// A service's status, as the health protocol names them.
  public enum Status: Sendable, Hashable {
    case serving
    case notServing
  }

  private struct State {
    var statuses: [String: Status] = ["": .serving]
    var watchers: [Int: AsyncStream<Status?>.Continuation] = [:]
    var watchedService: [Int: String] = [:]
    var nextWatcher = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// Sets `service`'s status (`""` is the whole server) and tells its watchers.
  public func set(_ status: Status, for service: String = "") {
    let continuations = state.withLock { state in
      state.statuses[service] = status
      return state.watchers.compactMap { id, continuation in
        state.watchedService[id] == service ? continuation : nil
      }
    }
    for continuation in continuations { continuation.yield(status) }
  }

  /// `service`'s status, `nil` for a service this process does not host.
  public func status(of service: String = "") -> Status? {
    state.withLock { $0.statuses[service] }
  }

  /// Marks every service not serving: the first step of a graceful shutdown, so that load
  /// balancers stop sending new work before the listener closes.
  public func markAllNotServing() {
    let services = state.withLock { Array($0.statuses.keys) }
    for service in services { set(.notServing, for: service) }
  }

  /// The current status of `service` followed by every change, until the caller stops.
  public func watch(_ service: String) -> AsyncStream<Status?> {
    let (stream, continuation) = AsyncStream<Status?>.makeStream(
      bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state in
      let id = state.nextWatcher
      state.nextWatcher += 1
      state.watchers[id] = continuation
      state.watchedService[id] = service
      continuation.yield(state.statuses[service])
      return id
    }
    continuation.onTermination = { [weak self] _ in
      self?.state.withLock { state in
        state.watchers[id] = nil
        state.watchedService[id] = nil
      }
    }
    return stream
  }
}
