import Foundation
import Logging

/// The settings every service process reads at start-up (flags override environment).
///
/// | setting | flag / variable | default |
/// |---|---|---|
/// | RPC listen address | `--listen` / `MAAC_LISTEN` | `127.0.0.1:0` |
/// | metrics + health HTTP address | `--admin-listen` / `MAAC_ADMIN_LISTEN` | off |
/// | PostgreSQL URL | `--database-url` / `MAAC_DATABASE_URL` | required when the service stores data |
/// | schema | `--database-schema` / `MAAC_DATABASE_SCHEMA` | the service's name |
/// | pool size | `--database-pool-size` / `MAAC_DATABASE_POOL_SIZE` | 10 |
/// | peers | `--peer NAME=host:port` / `MAAC_PEER` (comma-separated) | none |
/// | log level | `--log-level` / `MAAC_LOG_LEVEL` | `info` |
/// | organization lookup budget | `--organization-lookup-timeout-ms` / `MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS` | 5000 |
public struct ServiceConfiguration: Sendable {
  public var listen: HostAndPort
  public var adminListen: HostAndPort?
  public var databaseURL: String?
  /// The service's own schema; `nil` means the service's name.
  public var databaseSchema: String?
  public var databasePoolSize: Int
  public var peers: [String: HostAndPort]
  public var logLevel: Logger.Level
  /// How long one question to admin center about an organization may take before admin
  /// center counts as unreachable for it (``AdminOrganizationRegistry``).
  public var organizationLookupTimeout: Duration

  public init(
    listen: HostAndPort = HostAndPort(host: "127.0.0.1", port: 0),
    adminListen: HostAndPort? = nil,
    databaseURL: String? = nil,
    databaseSchema: String? = nil,
    databasePoolSize: Int = 10,
    peers: [String: HostAndPort] = [:],
    logLevel: Logger.Level = .info,
    organizationLookupTimeout: Duration = .seconds(5)
  ) {
    self.listen = listen
    self.adminListen = adminListen
    self.databaseURL = databaseURL
    self.databaseSchema = databaseSchema
    self.databasePoolSize = databasePoolSize
    self.peers = peers
    self.logLevel = logLevel
    self.organizationLookupTimeout = organizationLookupTimeout
  }

  /// Reads the configuration from `source`.
  public init(from source: ConfigurationSource) throws(ConfigurationError) {
    let listen = try source.address("listen", default: HostAndPort(host: "127.0.0.1", port: 0))
    self.listen = listen!
    self.adminListen = try source.address("admin-listen", default: nil)
    self.databaseURL = source.string("database-url")
    self.databaseSchema = source.string("database-schema")
    self.databasePoolSize = try source.integer("database-pool-size", default: 10, range: 1...500)
    var peers: [String: HostAndPort] = [:]
    for entry in source.strings("peer") {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, let address = HostAndPort(parsing: parts[1]) else {
        throw ConfigurationError(
          setting: ConfigurationSource.describe("peer"),
          reason: "must be NAME=host:port, got \"\(entry)\""
        )
      }
      peers[parts[0]] = address
    }
    self.peers = peers
    let level = source.string("log-level") ?? "info"
    guard let logLevel = Logger.Level(rawValue: level) else {
      throw ConfigurationError(
        setting: ConfigurationSource.describe("log-level"),
        reason:
          "must be one of trace, debug, info, notice, warning, error, critical; got \"\(level)\""
      )
    }
    self.logLevel = logLevel
    self.organizationLookupTimeout = .milliseconds(
      try source.integer("organization-lookup-timeout-ms", default: 5000, range: 1...600_000))
  }

  /// The process's configuration: its arguments and environment.
  public static func fromProcess() throws(ConfigurationError) -> ServiceConfiguration {
    let arguments = Array(CommandLine.arguments.dropFirst())
    let environment = ProcessInfo.processInfo.environment
    return try ServiceConfiguration(
      from: ConfigurationSource(arguments: arguments, environment: environment)
    )
  }

  /// The database URL, or a configuration error for a service that stores data.
  public func requiredDatabaseURL() throws(ConfigurationError) -> String {
    guard let databaseURL, !databaseURL.isEmpty else {
      throw ConfigurationError(
        setting: ConfigurationSource.describe("database-url"), reason: "is required")
    }
    return databaseURL
  }

  /// The address of peer `name`, or a configuration error naming it.
  public func peer(_ name: String) throws(ConfigurationError) -> HostAndPort {
    guard let address = peers[name] else {
      throw ConfigurationError(
        setting: ConfigurationSource.describe("peer"), reason: "no address for peer \"\(name)\"")
    }
    return address
  }
}
