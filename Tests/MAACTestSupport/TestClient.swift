import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

/// Runs `body` with a gRPC client connected over the nghttp2 transport to `address`.
public func withTestClient<Result: Sendable>(
  to address: HostAndPort,
  isolation: isolated (any Actor)? = #isolation,
  _ body: (GRPCClient<NGHTTP2ClientTransport>) async throws -> Result
) async throws -> Result {
  let target: NGHTTP2ClientTransport.Target =
    address.isIPv6
    ? .ipv6(host: address.host, port: address.port) : .ipv4(host: address.host, port: address.port)
  return try await withGRPCClient(
    transport: NGHTTP2ClientTransport(target: target), isolation: isolation
  ) { client in
    try await body(client)
  }
}

extension CallerContext {
  /// A tenant caller for tests: organization `organizationID`, user `user`.
  public static func tenant(_ organizationID: Int64, user: String = "user-1", roles: [String] = [])
    -> CallerContext
  {
    CallerContext(
      organizationID: organizationID, userID: user, roles: roles, requestID: RequestID.generate())
  }
}
