import Foundation
import Logging
import PostgresClient

/// The test cluster from `MAAC_TEST_DATABASE_URL` (set by `./maac test`). Tests that need it
/// fail, never skip, when it is missing.
public enum TestDatabase {
  /// Thrown when the environment names no test cluster.
  public struct Missing: Error, CustomStringConvertible {
    public var description: String {
      "MAAC_TEST_DATABASE_URL is not set: run `./maac test`, or start a cluster with "
        + "Scripts/lib/postgres.sh and export its superuser URL"
    }
  }

  /// The superuser URL of the test cluster.
  public static func adminURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["MAAC_TEST_DATABASE_URL"], !url.isEmpty
    else { throw Missing() }
    return url
  }

  /// The superuser's connection settings.
  public static func adminConfiguration() throws -> PostgresConfiguration {
    try PostgresConfiguration(url: try adminURL())
  }

  /// A pool logged in as the superuser.
  public static func adminPool(maxConnections: Int = 4) throws -> PostgresPool {
    PostgresPool(
      configuration: try adminConfiguration(),
      maxConnections: maxConnections, acquireTimeout: .seconds(30), logger: logger)
  }

  /// A name no other test or run uses: `prefix_` and 12 random hex digits.
  public static func uniqueName(_ prefix: String) -> String {
    prefix + "_" + String(UInt64.random(in: 0...0xFFFF_FFFF_FFFF), radix: 16)
  }

  /// A logger for test pools: warnings and worse only.
  public static let logger: Logger = {
    var logger = Logger(label: "maac.tests.postgres")
    logger.logLevel = .warning
    return logger
  }()

  /// Runs `body` with a fresh schema on the admin pool (search_path not changed: qualify
  /// names with the schema), dropping it afterwards.
  public static func withSchema<T>(
    _ body: (PostgresPool, String) async throws -> T
  ) async throws -> T {
    let pool = try adminPool()
    let schema = uniqueName("test")
    try await pool.execute("CREATE SCHEMA \(identifier: schema)")
    do {
      let value = try await body(pool, schema)
      try await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
      await pool.shutdown()
      return value
    } catch {
      _ = try? await pool.execute("DROP SCHEMA \(identifier: schema) CASCADE")
      await pool.shutdown()
      throw error
    }
  }

  /// Provisions a fresh service role and schema (as the launcher does for a real service),
  /// runs `body` with it, and drops both afterwards.
  public static func withServiceDatabase<T>(
    _ prefix: String,
    _ body: (ServiceDatabase) async throws -> T
  ) async throws -> T {
    let admin = try adminPool()
    let name = uniqueName(prefix)
    let password = UUID().uuidString
    let provisioner = PostgresProvisioner(admin: admin)
    try await provisioner.provisionService(name, password: password)
    let database = ServiceDatabase(
      name: name, url: try serviceURL(adminURL: try adminURL(), user: name, password: password))
    do {
      let value = try await body(database)
      try await provisioner.dropService(name)
      await admin.shutdown()
      return value
    } catch {
      try? await provisioner.dropService(name)
      await admin.shutdown()
      throw error
    }
  }

  /// The admin URL with the service role's credentials in place of the superuser's.
  static func serviceURL(adminURL: String, user: String, password: String) throws -> String {
    guard var components = URLComponents(string: adminURL) else { throw Missing() }
    components.user = user
    components.password = password
    guard let url = components.string else { throw Missing() }
    return url
  }
}

/// A provisioned service database: role and schema both named `name`.
public struct ServiceDatabase: Sendable {
  public let name: String
  /// Logs in as the service's own role.
  public let url: String

  /// A new pool logged in as the service's role (search_path = its schema).
  public func pool(maxConnections: Int = 4) throws -> PostgresPool {
    PostgresPool(
      configuration: try PostgresConfiguration(url: url), maxConnections: maxConnections,
      acquireTimeout: .seconds(30), logger: TestDatabase.logger)
  }
}
