import Foundation
import Logging
import PostgresClient

/// The test cluster from `MAAC_TEST_DATABASE_URL`; tests fail (never skip) without it.
enum TestDatabase {
  struct Missing: Error, CustomStringConvertible {
    var description: String {
      "MAAC_TEST_DATABASE_URL is not set: run `./maac test`, or start a cluster with "
        + "Scripts/lib/postgres.sh and export its superuser URL"
    }
  }

  static func adminConfiguration() throws -> PostgresConfiguration {
    guard let url = ProcessInfo.processInfo.environment["MAAC_TEST_DATABASE_URL"], !url.isEmpty
    else { throw Missing() }
    return try PostgresConfiguration(url: url)
  }

  static func adminPool(maxConnections: Int = 4) throws -> PostgresPool {
    PostgresPool(
      configuration: try adminConfiguration(), maxConnections: maxConnections,
      acquireTimeout: .seconds(30), logger: logger)
  }

  static let logger: Logger = {
    var logger = Logger(label: "maac.postgres.tests")
    logger.logLevel = .warning
    return logger
  }()

  /// A name no other test (or test run) uses: `prefix_` and 12 random hex digits.
  static func uniqueName(_ prefix: String) -> String {
    let random = UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF
    return prefix + "_" + String(random, radix: 16)
  }

  /// Runs `body` with a fresh schema on the admin pool (search_path not changed: qualify
  /// names with the schema), dropping it afterwards.
  static func withSchema<T>(
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
}
