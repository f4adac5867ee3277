import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

/// One gRPC client over the nghttp2 transport per upstream service (`MAAC_PEER`).
public final class Upstreams: Sendable {
  let clients: [String: GRPCClient<NGHTTP2ClientTransport>]

  public init(peers: [String: HostAndPort]) {
    var clients: [String: GRPCClient<NGHTTP2ClientTransport>] = [:]
    for (name, address) in peers {
      let target: NGHTTP2ClientTransport.Target =
        address.isIPv6
        ? .ipv6(host: address.host, port: address.port)
        : .ipv4(host: address.host, port: address.port)
      clients[name] = GRPCClient(transport: NGHTTP2ClientTransport(target: target))
    }
    self.clients = clients
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
