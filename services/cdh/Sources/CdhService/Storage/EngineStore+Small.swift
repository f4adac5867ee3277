import CDHDomain
import Foundation
import PostgresClient

/// Small writes (one contact change, a profile edit): every table's rows in one statement of
/// data-modifying CTEs, so a real-time change costs one round trip for CDH's own rows instead
/// of one per table. The CTEs touch disjoint rows (a member is either kept or left, a profile
/// either live or retired), which is what PostgreSQL requires of CTEs sharing one snapshot.
extension EngineStore.PreparedWrite {
  /// Whether every row set fits one `jsonb_to_recordset` document (no COPY needed).
  var isSmall: Bool {
    let limit = min(EngineStore.copyThreshold, EngineStore.batchSize)
    return entities.count < limit && memberships.count < limit && leftMemberships.count < limit
      && profiles.count < limit && audit.count < limit
  }
}

extension EngineStore {
  func writeInOneStatement(_ prepared: PreparedWrite, on connection: PostgresConnection)
    async throws
  {
    var query = PostgresQuery.StringInterpolation(literalCapacity: 4096, interpolationCount: 8)
    var parts = 0
    func part(_ name: String) {
      query.appendLiteral(parts == 0 ? "WITH \(name) AS (" : "), \(name) AS (")
      parts += 1
    }
    if !prepared.entities.isEmpty {
      part("e")
      query.appendLiteral(
        """
        INSERT INTO channel_entity
          (source, member_id, organization_id, unify_scope_id, deleted_at, replica, updated_at)
        SELECT x.source, x.member_id, x.organization_id, x.unify_scope_id,
               timestamptz 'epoch' + x.deleted_us * interval '1 microsecond', x.replica, now()
        FROM jsonb_to_recordset(
        """)
      query.appendInterpolation(try Self.json(prepared.entities))
      query.appendLiteral(
        """
        ::jsonb) AS x(
          source text, member_id bigint, organization_id bigint, unify_scope_id bigint,
          deleted_us bigint, replica jsonb)
        ON CONFLICT (source, member_id) DO UPDATE SET
          organization_id = EXCLUDED.organization_id, unify_scope_id = EXCLUDED.unify_scope_id,
          deleted_at = EXCLUDED.deleted_at, replica = EXCLUDED.replica, updated_at = now()
        """)
    }
    if !prepared.memberships.isEmpty {
      part("m")
      query.appendLiteral(
        """
        INSERT INTO unified_member
          (source, member_id, unify_scope_id, profile_id, unification_updated_at, version)
        SELECT x.source, x.member_id, x.unify_scope_id, x.profile_id,
               timestamptz 'epoch' + x.unification_us * interval '1 microsecond', x.version
        FROM jsonb_to_recordset(
        """)
      query.appendInterpolation(try Self.json(prepared.memberships))
      query.appendLiteral(
        """
        ::jsonb) AS x(
          source text, member_id bigint, unify_scope_id bigint, profile_id bigint,
          unification_us bigint, version bigint)
        ON CONFLICT (source, member_id) DO UPDATE SET
          unify_scope_id = EXCLUDED.unify_scope_id, profile_id = EXCLUDED.profile_id,
          unification_updated_at = EXCLUDED.unification_updated_at, version = EXCLUDED.version
        """)
    }
    if !prepared.leftMemberships.isEmpty {
      part("l")
      query.appendLiteral(
        "DELETE FROM unified_member m USING jsonb_to_recordset(")
      query.appendInterpolation(try Self.json(prepared.leftMemberships))
      query.appendLiteral(
        """
        ::jsonb) AS x(source text, member_id bigint)
        WHERE m.source = x.source AND m.member_id = x.member_id
        """)
    }
    let retired = prepared.profiles.filter(\.retired)
    if !retired.isEmpty {
      part("rd")
      query.appendLiteral("DELETE FROM profile WHERE profile_id = ANY(")
      query.appendInterpolation(retired.map(\.profile_id))
      query.appendLiteral("::bigint[])")
      part("ri")
      query.appendLiteral(
        """
        INSERT INTO retired_profile (profile_id, merged_into)
        SELECT x.profile_id, x.merged_into FROM jsonb_to_recordset(
        """)
      query.appendInterpolation(Self.retiredJSON(retired))
      query.appendLiteral(
        """
        ::jsonb) AS x(profile_id bigint, merged_into bigint)
        ON CONFLICT (profile_id) DO UPDATE SET merged_into = EXCLUDED.merged_into
        """)
    }
    let live = prepared.profiles.filter { !$0.retired }
    if !live.isEmpty {
      part("p")
      query.appendLiteral(
        """
        INSERT INTO profile
          (profile_id, unify_scope_id, created_at, merged_into, member_count, retired, state, version)
        SELECT x.profile_id, x.unify_scope_id,
               timestamptz 'epoch' + x.created_us * interval '1 microsecond',
               NULL, x.member_count, false, x.state, x.version
        FROM jsonb_to_recordset(
        """)
      query.appendInterpolation(Self.liveProfilesJSON(live))
      query.appendLiteral(
        """
        ::jsonb) AS x(
          profile_id bigint, unify_scope_id bigint, created_us bigint, member_count int,
          state jsonb, version bigint)
        \(Self.profileUpsert)
        """)
    }
    if !prepared.audit.isEmpty {
      part("a")
      query.appendLiteral(
        """
        INSERT INTO audit_log
          (occurred_at, recorded_at, unify_scope_id, organization_id, source, member_id, line_uid,
           channel_id, profile_id, previous_profile_id, event_type, attribute, previous_value,
           new_value, actor_type, actor_id, correlation_id, details)
        SELECT timestamptz 'epoch' + x.occurred_us * interval '1 microsecond',
               timestamptz 'epoch' + x.recorded_us * interval '1 microsecond',
               x.unify_scope_id, x.organization_id, x.source, x.member_id, x.line_uid, x.channel_id,
               x.profile_id, x.previous_profile_id, x.event_type, x.attribute, x.previous_value,
               x.new_value, x.actor_type, x.actor_id, x.correlation_id, x.details
        FROM jsonb_to_recordset(
        """)
      query.appendInterpolation(try Self.json(prepared.audit))
      query.appendLiteral(
        """
        ::jsonb) AS x(
          occurred_us bigint, recorded_us bigint, unify_scope_id bigint, organization_id bigint,
          source text, member_id bigint, line_uid text, channel_id bigint, profile_id bigint,
          previous_profile_id bigint, event_type text, attribute text, previous_value text,
          new_value text, actor_type text, actor_id text, correlation_id text, details jsonb)
        """)
    }
    let sequences = prepared.sequences
    let update = "UPDATE engine_sequence SET next_scope_id = "
    if parts == 0 {
      query.appendLiteral(update)
    } else {
      query.appendLiteral(") ")
      query.appendLiteral(update)
    }
    query.appendInterpolation(sequences.nextScopeID)
    query.appendLiteral(", next_profile_id = ")
    query.appendInterpolation(sequences.nextProfileID)
    query.appendLiteral(", next_version = ")
    query.appendInterpolation(sequences.nextVersion)
    _ = try await connection.execute(PostgresQuery(stringInterpolation: query))
  }

  static func liveProfilesJSON(_ rows: [ProfileRow]) -> PostgresJSON {
    var out: [UInt8] = [UInt8(ascii: "[")]
    for (index, row) in rows.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: #"{"profile_id":"#.utf8)
      ProfileStateJSON.appendInteger(row.profile_id, to: &out)
      out.append(contentsOf: #","unify_scope_id":"#.utf8)
      ProfileStateJSON.appendInteger(row.unify_scope_id, to: &out)
      out.append(contentsOf: #","created_us":"#.utf8)
      ProfileStateJSON.appendInteger(row.created_us, to: &out)
      out.append(contentsOf: #","member_count":"#.utf8)
      ProfileStateJSON.appendInteger(Int64(row.member_count), to: &out)
      out.append(contentsOf: #","version":"#.utf8)
      ProfileStateJSON.appendInteger(row.version, to: &out)
      out.append(contentsOf: #","state":"#.utf8)
      if let state = row.state {
        out.append(contentsOf: ProfileStateJSON.encode(state))
      } else {
        out.append(contentsOf: "null".utf8)
      }
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "]"))
    return PostgresJSON(data: Data(out))
  }

  static func retiredJSON(_ rows: [ProfileRow]) -> PostgresJSON {
    var out: [UInt8] = [UInt8(ascii: "[")]
    for (index, row) in rows.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: #"{"profile_id":"#.utf8)
      ProfileStateJSON.appendInteger(row.profile_id, to: &out)
      out.append(contentsOf: #","merged_into":"#.utf8)
      if let target = row.merged_into {
        ProfileStateJSON.appendInteger(target, to: &out)
      } else {
        out.append(contentsOf: "null".utf8)
      }
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "]"))
    return PostgresJSON(data: Data(out))
  }
}
