import CDHDomain
import Foundation
import PostgresClient

/// Bulk persistence: large writes (a re-unification batch, a bulk load) go through binary
/// `COPY` into a transaction-scoped staging table and one set-based upsert per table, instead
/// of statements of a few thousand JSON rows each.
extension EngineStore {
  /// From this many rows of one kind on, a write uses COPY.
  static let copyThreshold = 500

  static func chunks<Row>(_ rows: [Row]) -> [ArraySlice<Row>] {
    stride(from: 0, to: rows.count, by: batchSize).map {
      rows[$0..<min($0 + batchSize, rows.count)]
    }
  }

  static func json(_ rows: ArraySlice<some Encodable>) throws -> PostgresJSON {
    try json(Array(rows))
  }

  /// Small sets sorted (rows written in a stable order); large ones as they are, since
  /// sorting a million members costs more than it helps a COPY.
  static func ordered<Element: Comparable>(_ set: Set<Element>) -> [Element] {
    set.count < copyThreshold ? set.sorted() : Array(set)
  }

  /// Live profiles only: retired ones live in `retired_profile` (migration 0012).
  static let profileUpsert = """
    ON CONFLICT (profile_id) DO UPDATE SET
      unify_scope_id = EXCLUDED.unify_scope_id, created_at = EXCLUDED.created_at,
      merged_into = NULL, member_count = EXCLUDED.member_count, retired = false,
      state = EXCLUDED.state, version = GREATEST(profile.version, EXCLUDED.version)
    """

  /// Creates a staging table that disappears at commit and fills it with `rows`.
  func stage(
    _ table: String, columns: [(String, String)], on connection: PostgresConnection,
    _ rows: (PostgresCopyIn) async throws -> Void
  ) async throws {
    _ = try await connection.execute("DROP TABLE IF EXISTS \(unescaped: table)")
    let definition = columns.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    _ = try await connection.execute(
      "CREATE TEMP TABLE \(unescaped: table) (\(unescaped: definition)) ON COMMIT DROP")
    try await connection.copyIn(into: table, columns: columns.map(\.0), format: .binary, rows)
  }

  func copyEntities(_ rows: [EntityRow], on connection: PostgresConnection) async throws {
    let encoder = JSONEncoder()
    try await stage(
      "cdh_stage_entity",
      columns: [
        ("source", "text"), ("member_id", "bigint"), ("organization_id", "bigint"),
        ("unify_scope_id", "bigint"), ("deleted_us", "bigint"), ("replica", "jsonb"),
      ], on: connection
    ) { copy in
      for row in rows {
        try await copy.appendRow(
          row.source, row.member_id, row.organization_id, row.unify_scope_id, row.deleted_us,
          PostgresJSON(data: try encoder.encode(row.replica)))
      }
    }
    _ = try await connection.execute(
      """
      INSERT INTO channel_entity
        (source, member_id, organization_id, unify_scope_id, deleted_at, replica, updated_at)
      SELECT source, member_id, organization_id, unify_scope_id,
             timestamptz 'epoch' + deleted_us * interval '1 microsecond', replica, now()
      FROM cdh_stage_entity
      ON CONFLICT (source, member_id) DO UPDATE SET
        organization_id = EXCLUDED.organization_id, unify_scope_id = EXCLUDED.unify_scope_id,
        deleted_at = EXCLUDED.deleted_at, replica = EXCLUDED.replica, updated_at = now()
      """)
  }

  func copyMemberships(_ rows: [MembershipRow], on connection: PostgresConnection) async throws {
    try await stage(
      "cdh_stage_member",
      columns: [
        ("source", "text"), ("member_id", "bigint"), ("unify_scope_id", "bigint"),
        ("profile_id", "bigint"), ("unification_us", "bigint"), ("version", "bigint"),
      ], on: connection
    ) { copy in
      for row in rows {
        try await copy.appendRow(
          row.source, row.member_id, row.unify_scope_id, row.profile_id, row.unification_us,
          row.version)
      }
    }
    _ = try await connection.execute(
      """
      INSERT INTO unified_member
        (source, member_id, unify_scope_id, profile_id, unification_updated_at, version)
      SELECT source, member_id, unify_scope_id, profile_id,
             timestamptz 'epoch' + unification_us * interval '1 microsecond', version
      FROM cdh_stage_member
      ON CONFLICT (source, member_id) DO UPDATE SET
        unify_scope_id = EXCLUDED.unify_scope_id, profile_id = EXCLUDED.profile_id,
        unification_updated_at = EXCLUDED.unification_updated_at, version = EXCLUDED.version
      """)
  }

  /// Live profiles, their state as JSON built by ``ProfileStateJSON`` (not `JSONEncoder`).
  func copyProfiles(_ rows: [ProfileRow], on connection: PostgresConnection) async throws {
    try await stage(
      "cdh_stage_profile",
      columns: [
        ("profile_id", "bigint"), ("unify_scope_id", "bigint"), ("created_us", "bigint"),
        ("member_count", "bigint"), ("state", "jsonb"), ("version", "bigint"),
      ], on: connection
    ) { copy in
      for row in rows {
        let state = row.state.map { PostgresJSON(data: Data(ProfileStateJSON.encode($0))) }
        try await copy.appendRow(
          row.profile_id, row.unify_scope_id, row.created_us, Int64(row.member_count), state,
          row.version)
      }
    }
    _ = try await connection.execute(
      """
      INSERT INTO profile
        (profile_id, unify_scope_id, created_at, merged_into, member_count, retired, state, version)
      SELECT profile_id, unify_scope_id, timestamptz 'epoch' + created_us * interval '1 microsecond',
             NULL, member_count::int, false, state, version
      FROM cdh_stage_profile
      \(unescaped: Self.profileUpsert)
      """)
  }

  /// Retires profiles set-based: their wide rows are deleted by id and `retired_profile`
  /// records where each went (U17: a retired id follows `merged_into`).
  func retireProfiles(_ rows: [ProfileRow], on connection: PostgresConnection) async throws {
    guard !rows.isEmpty else { return }
    _ = try await connection.execute(
      "DELETE FROM profile WHERE profile_id = ANY(\(rows.map(\.profile_id)))")
    let upsert = """
      ON CONFLICT (profile_id) DO UPDATE SET merged_into = EXCLUDED.merged_into
      """
    if rows.count >= Self.copyThreshold {
      try await stage(
        "cdh_stage_retired", columns: [("profile_id", "bigint"), ("merged_into", "bigint")],
        on: connection
      ) { copy in
        for row in rows { try await copy.appendRow(row.profile_id, row.merged_into) }
      }
      _ = try await connection.execute(
        """
        INSERT INTO retired_profile (profile_id, merged_into)
        SELECT profile_id, merged_into FROM cdh_stage_retired
        \(unescaped: upsert)
        """)
      return
    }
    struct Retired: Encodable {
      var profile_id: Int64
      var merged_into: Int64?
    }
    for batch in Self.chunks(rows) {
      let retired = batch.map { Retired(profile_id: $0.profile_id, merged_into: $0.merged_into) }
      _ = try await connection.execute(
        """
        INSERT INTO retired_profile (profile_id, merged_into)
        SELECT x.profile_id, x.merged_into
        FROM jsonb_to_recordset(\(try Self.json(retired))) AS x(profile_id bigint, merged_into bigint)
        \(unescaped: upsert)
        """)
    }
  }

  /// Audit entries are only ever inserted: they are copied straight into `audit_log`.
  func copyAudit(_ rows: [AuditRow], on connection: PostgresConnection) async throws {
    try await connection.copyIn(
      into: "audit_log",
      columns: [
        "occurred_at", "recorded_at", "unify_scope_id", "organization_id", "source", "member_id",
        "line_uid", "channel_id", "profile_id", "previous_profile_id", "event_type", "attribute",
        "previous_value", "new_value", "actor_type", "actor_id", "correlation_id", "details",
      ], format: .binary
    ) { copy in
      for row in rows {
        try await copy.appendRow(
          Instant(microseconds: row.occurred_us).date,
          Instant(microseconds: row.recorded_us).date, row.unify_scope_id, row.organization_id,
          row.source, row.member_id, row.line_uid, row.channel_id, row.profile_id,
          row.previous_profile_id, row.event_type, row.attribute, row.previous_value,
          row.new_value, row.actor_type, row.actor_id, row.correlation_id,
          PostgresJSON(data: Data(Self.jsonObject(row.details))))
      }
    }
  }

  /// A flat string map as JSON text, written by hand: a job writes one per audit entry and
  /// a general-purpose encoder costs more than the COPY itself.
  static func jsonObject(_ map: [String: String]) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "{")]
    var first = true
    for (key, value) in map.sorted(by: { $0.key < $1.key }) {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      appendQuoted(key, to: &out)
      out.append(UInt8(ascii: ":"))
      appendQuoted(value, to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return out
  }

  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  static func appendQuoted(_ text: String, to out: inout [UInt8]) {
    let hex = hexDigits
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        out.append(UInt8(ascii: "\\"))
        out.append(byte)
      case 0..<0x20:
        out.append(contentsOf: #"\u00"#.utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
      default:
        out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
