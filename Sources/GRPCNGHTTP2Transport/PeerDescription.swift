internal import NIOCore

/// gRPC's peer strings: `ipv4:127.0.0.1:50051`, `ipv6:[::1]:50051`.
enum PeerDescription {
  static func describe(_ address: SocketAddress?) -> String {
    guard let address else { return "unknown" }
    switch address {
    case .v4:
      return "ipv4:\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    case .v6:
      return "ipv6:[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
    case .unixDomainSocket:
      return "unix:\(address.pathname ?? "")"
    }
  }
}
