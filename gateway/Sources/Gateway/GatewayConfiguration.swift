import Foundation
import ServiceKit

/// The gateway's settings, from flags or `MAAC_*` environment variables (ServiceKit's
/// ``ConfigurationSource`` convention).
///
/// | setting | flag / env | default |
/// |---|---|---|
/// | port (HTTP/1.1, h2c REST and gRPC) | `--gateway-port` / `MAAC_GATEWAY_PORT` | 8080 |
/// | extra gRPC-only port | `--gateway-grpc-port` / `MAAC_GATEWAY_GRPC_PORT` | none (`-1`) |
/// | rate limits (G11) | `MAAC_GATEWAY_RATE_*`, see ``RateLimits`` | the spec's defaults |
/// | CORS origins (G16) | `--gateway-cors-origins` / `MAAC_GATEWAY_CORS_ORIGINS` | none |
/// | host | `--gateway-host` / `MAAC_GATEWAY_HOST` | 127.0.0.1 |
/// | JWKS | `--jwks-file` / `MAAC_JWKS_FILE` | `<MAAC_STATE>/dev-jwt/jwks.json` |
/// | issuer | `--jwt-issuer` / `MAAC_JWT_ISSUER` | `maac-dev` with the dev JWKS, else required |
/// | audience | `--jwt-audience` / `MAAC_JWT_AUDIENCE` | `maac-api` |
/// | upstreams | `--peer NAME=host:port` / `MAAC_PEER` | none |
/// | OpenAPI document | `--gateway-openapi` / `MAAC_GATEWAY_OPENAPI` | `gateway/openapi.yaml` |
/// | GQ6 lookup budget | `--organization-lookup-timeout-ms` / `MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS` | 5000 |
public struct GatewayConfiguration: Sendable {
  public var host: String
  public var port: Int
  /// An extra port serving only the gRPC pass-through, or `nil` (the default): gRPC clients
  /// then use ``port``, which serves HTTP/1.1 and HTTP/2 (h2c) alike.
  public var grpcPort: Int?
  public var jwksFile: String
  public var issuer: String
  public var audience: String
  public var peers: [String: HostAndPort]
  public var openAPIPath: String?
  /// G11 rate limits.
  public var limits: RateLimits
  /// G16 CORS allow-list.
  public var cors: CORSPolicy
  /// How long GQ6's question to admin center may take before the request is refused 503.
  public var organizationLookupTimeout: Duration

  public init(
    host: String = "127.0.0.1", port: Int, grpcPort: Int? = nil, jwksFile: String, issuer: String,
    audience: String,
    peers: [String: HostAndPort], openAPIPath: String?, limits: RateLimits = .defaults,
    cors: CORSPolicy = CORSPolicy(), organizationLookupTimeout: Duration = .seconds(5)
  ) {
    self.organizationLookupTimeout = organizationLookupTimeout
    self.limits = limits
    self.cors = cors
    self.host = host
    self.port = port
    self.grpcPort = grpcPort
    self.jwksFile = jwksFile
    self.issuer = issuer
    self.audience = audience
    self.peers = peers
    self.openAPIPath = openAPIPath
  }

  /// Reads the configuration; with `MAAC_STATE` and no JWKS file, the development key is
  /// created if needed and its JWKS used.
  public init(from source: ConfigurationSource) throws {
    host = source.string("gateway-host") ?? "127.0.0.1"
    port = try source.integer("gateway-port", default: 8080, range: 0...65535)
    let grpc = try source.integer("gateway-grpc-port", default: -1, range: -1...65535)
    grpcPort = grpc < 0 ? nil : grpc
    audience = source.string("jwt-audience") ?? DevelopmentKeys.audience
    if let file = source.string("jwks-file") {
      jwksFile = file
      guard let issuer = source.string("jwt-issuer") else {
        throw GatewayConfigurationError(
          "\(ConfigurationSource.describe("jwt-issuer")) is required with a JWKS file")
      }
      self.issuer = issuer
    } else if let state = source.string("state") {
      let keys = DevelopmentKeys(state: state)
      _ = try keys.ensure()
      jwksFile = keys.jwksPath.path
      issuer = source.string("jwt-issuer") ?? DevelopmentKeys.issuer
    } else {
      throw GatewayConfigurationError(
        "\(ConfigurationSource.describe("jwks-file")) is required (or \(ConfigurationSource.describe("state")) for the development key)"
      )
    }
    let services = try ServiceConfiguration(from: source)
    peers = services.peers
    organizationLookupTimeout = services.organizationLookupTimeout
    openAPIPath = source.string("gateway-openapi") ?? "gateway/openapi.yaml"
    limits = try RateLimits(from: source)
    cors = CORSPolicy(
      allowedOrigins: (source.string("gateway-cors-origins") ?? "").split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
  }
}
