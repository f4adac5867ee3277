import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

/// One gRPC client over the nghttp2 transport per upstream service (`MAAC_PEER`).
public final class Upstreams: Sendable {
  let clients: [String: GRPCClient<NGHTTP2ClientTransport>]
  /// GQ6 through admin center (peer `admin`); `nil` when no admin peer is configured, and then
  /// every routed request is refused (503): no organization is trusted unchecked.
  let organizations: OrganizationCheck?

  /// - Parameter organizationTTL: how long admin center's answer about an organization is
  ///   reused (GQ6).
  public init(peers: [String: HostAndPort], organizationTTL: Duration = .seconds(5)) {
    var clients: [String: GRPCClient<NGHTTP2ClientTransport>] = [:]
    for (name, address) in peers {
      let target: NGHTTP2ClientTransport.Target =
        address.isIPv6
        ? .ipv6(host: address.host, port: address.port)
        : .ipv4(host: address.host, port: address.port)
      clients[name] = GRPCClient(transport: NGHTTP2ClientTransport(target: target))
    }
    self.clients = clients
    self.organizations = clients["admin"].map {
      OrganizationCheck(admin: $0, knownLifetime: organizationTTL)
    }
  }

  /// GQ6: the refusal for a token of `organizationID`, or `nil` when admin center knows the
  /// organization as active.
  public func organizationRefusal(_ organizationID: Int64, style: ErrorStyle) async -> HTTPResult? {
    guard let organizations else {
      return ErrorRenderer.result(
        .serviceUnavailable, style: style, code: "SERVICE_UNAVAILABLE",
        message: "Service unavailable")
    }
    return await organizations.refusal(for: organizationID, style: style)
  }

  /// GQ6 on the gRPC pass-through: throws the status for a token of an organization that
  /// admin center does not know as active.
  public func admitOrganization(_ organizationID: Int64) async throws {
    guard let organizations else {
      throw RPCError(code: .unavailable, message: "Service unavailable")
    }
    if let refusal = await organizations.rpcRefusal(for: organizationID) { throw refusal }
  }

  /// The client for `name`, or `nil` when no peer of that name is configured.
  public func client(_ name: String) -> GRPCClient<NGHTTP2ClientTransport>? { clients[name] }

  /// Runs every client's connection loop until cancelled, then shuts them down.
  public func run() async throws {
    try await withTaskCancellationHandler {
      try await withThrowingDiscardingTaskGroup { group in
        for client in clients.values {
          group.addTask { try await client.runConnections() }
        }
      }
    } onCancel: {
      for client in self.clients.values { client.beginGracefulShutdown() }
    }
  }
}
