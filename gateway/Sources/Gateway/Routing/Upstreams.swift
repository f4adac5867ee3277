import GRPCCore
import GRPCNGHTTP2Transport
import NIOCore
import NIOPosix
import ServiceKit

/// gRPC clients over the nghttp2 transport for each upstream service (`MAAC_PEER`): one per
/// event loop, each with its connection on that loop.
///
/// A request handled on an event loop (see ``EventLoopTaskExecutor``) calls the upstream on
/// the same loop's connection, so the whole request stays on one thread: no hand-over to
/// another loop and back per request.
public final class Upstreams: Sendable {
  /// Per peer name, one client per event loop of ``loops`` (same order).
  let clients: [String: [GRPCClient<NGHTTP2ClientTransport>]]
  /// The transports of ``clients`` (same order), for the routes' lean unary calls.
  let transports: [String: [NGHTTP2ClientTransport]]
  /// The loops' identities, in the order of each peer's clients.
  let loops: [ObjectIdentifier]
  /// GQ6 through admin center (peer `admin`); `nil` when no admin peer is configured, and then
  /// every routed request is refused (503): no organization is trusted unchecked.
  let organizations: OrganizationCheck?

  /// - Parameters:
  ///   - organizationTTL: how long admin center's answer about an organization is reused (GQ6).
  ///   - organizationLookupTimeout: how long one GQ6 question to admin center may take.
  public init(
    peers: [String: HostAndPort], organizationTTL: Duration = .seconds(5),
    organizationLookupTimeout: Duration = .seconds(5),
    group: MultiThreadedEventLoopGroup = .singleton
  ) {
    let loops = Array(group.makeIterator())
    var clients: [String: [GRPCClient<NGHTTP2ClientTransport>]] = [:]
    var transports: [String: [NGHTTP2ClientTransport]] = [:]
    for (name, address) in peers {
      let target: NGHTTP2ClientTransport.Target =
        address.isIPv6
        ? .ipv6(host: address.host, port: address.port)
        : .ipv4(host: address.host, port: address.port)
      let perLoop = loops.map { NGHTTP2ClientTransport(target: target, eventLoopGroup: $0) }
      transports[name] = perLoop
      clients[name] = perLoop.map { GRPCClient(transport: $0) }
    }
    self.clients = clients
    self.transports = transports
    self.loops = loops.map { ObjectIdentifier($0) }
    self.organizations = clients["admin"]?.first.map {
      OrganizationCheck(
        admin: $0, knownLifetime: organizationTTL, lookupTimeout: organizationLookupTimeout)
    }
  }

  /// GQ6: the refusal for a token of `organizationID`, or `nil` when admin center knows the
  /// organization as active.
  nonisolated(nonsending) public func organizationRefusal(
    _ organizationID: Int64, style: ErrorStyle
  ) async -> HTTPResult? {
    guard let organizations else {
      return ErrorRenderer.result(
        .serviceUnavailable, style: style, code: "SERVICE_UNAVAILABLE",
        message: "Service unavailable")
    }
    return await organizations.refusal(for: organizationID, style: style)
  }

  /// GQ6 on the gRPC pass-through: throws the status for a token of an organization that
  /// admin center does not know as active.
  nonisolated(nonsending) public func admitOrganization(_ organizationID: Int64) async throws {
    guard let organizations else {
      throw RPCError(code: .unavailable, message: "Service unavailable")
    }
    if let refusal = await organizations.rpcRefusal(for: organizationID) { throw refusal }
  }

  /// The client for `name`, or `nil` when no peer of that name is configured.
  /// The client of the calling thread's event loop, else the first one.
  public func client(_ name: String) -> GRPCClient<NGHTTP2ClientTransport>? {
    guard let perLoop = clients[name] else { return nil }
    return perLoop[loopIndex(perLoop.count)]
  }

  /// The client for `name` and its transport (for lean unary calls), of the calling thread's
  /// event loop, else the first; `nil` when no peer of that name is configured.
  func upstream(_ name: String) -> (
    client: GRPCClient<NGHTTP2ClientTransport>, transport: NGHTTP2ClientTransport
  )? {
    guard let perLoop = clients[name], let perLoopTransports = transports[name] else {
      return nil
    }
    let index = loopIndex(perLoop.count)
    return (perLoop[index], perLoopTransports[index])
  }

  /// The index of the calling thread's event loop in ``loops``, else 0.
  private func loopIndex(_ count: Int) -> Int {
    if count > 1, let current = MultiThreadedEventLoopGroup.currentEventLoop,
      let index = loops.firstIndex(of: ObjectIdentifier(current))
    {
      return index
    }
    return 0
  }

  /// Runs every client's connection loop until cancelled, then shuts them down.
  public func run() async throws {
    try await withTaskCancellationHandler {
      try await withThrowingDiscardingTaskGroup { group in
        for client in clients.values.joined() {
          group.addTask { try await client.runConnections() }
        }
      }
    } onCancel: {
      for client in self.clients.values.joined() { client.beginGracefulShutdown() }
    }
  }
}
