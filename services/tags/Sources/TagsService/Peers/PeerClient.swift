import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit
import ServiceLifecycle

/// A long-lived gRPC client to another service (`--peer NAME=HOST:PORT`), connected while the
/// process runs: ``connections`` is a background service of the process.
struct PeerClient: Sendable {
  /// The peer's name in the configuration, e.g. `cdh`.
  let name: String
  let client: GRPCClient<NGHTTP2ClientTransport>

  init(name: String, address: HostAndPort) {
    self.name = name
    let target: NGHTTP2ClientTransport.Target =
      address.isIPv6
      ? .ipv6(host: address.host, port: address.port)
      : .ipv4(host: address.host, port: address.port)
    client = GRPCClient(transport: NGHTTP2ClientTransport(target: target))
  }

  /// Runs the client's connections until the process shuts down.
  var connections: any ServiceLifecycle.Service {
    let client = self.client
    return ClosureService("peer-\(name)") {
      try await withTaskCancellationHandler {
        try await cancelWhenGracefulShutdown { try await client.runConnections() }
      } onCancel: {
        client.beginGracefulShutdown()
      }
    }
  }
}
