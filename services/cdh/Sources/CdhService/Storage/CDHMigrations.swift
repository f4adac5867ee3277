import Foundation
import PostgresClient

/// CDH's own migrations (files `Migrations/NNNN_name.sql`, versions from 10; the platform's
/// outbox and cursor tables come first through ServiceKit's PlatformMigrations).
public enum CDHMigrations {
  public static func all() throws -> [PostgresMigration] {
    try PostgresMigration.load(bundle: .module)
  }
}
