import CDHDomain
import Foundation
import PostgresClient
import ServiceKit

/// Persists the engine's state in CDH's schema and rebuilds it at start-up.
///
/// Every operation writes what it changed (entities, profiles, scopes, audit entries, the
/// identifier counters) plus its outbox events in one transaction.
struct EngineStore: Sendable {
  static let batchSize = 2_000

  static func json(_ value: some Encodable) throws -> PostgresJSON {
    PostgresJSON(data: try JSONEncoder().encode(value))
  }

  struct EntityRow: Encodable {
    var source: String
    var member_id: Int64
    var organization_id: Int64
    var unify_scope_id: Int64
    var deleted_us: Int64?
    var replica: ChannelEntity
  }

  /// One `unified_member` row: which profile a live member belongs to.
  struct MembershipRow: Encodable {
    var source: String
    var member_id: Int64
    var unify_scope_id: Int64
    var profile_id: Int64
    var unification_us: Int64?
    var version: Int64
  }

  struct MemberKey: Encodable {
    var source: String
    var member_id: Int64
  }

  struct ProfileRow: Encodable {
    var profile_id: Int64
    var unify_scope_id: Int64
    var created_us: Int64
    var merged_into: Int64?
    var member_count: Int
    var retired: Bool
    var state: ProfileState?
    var version: Int64
  }

  struct AuditRow: Encodable {
    var occurred_us: Int64
    var recorded_us: Int64
    var unify_scope_id: Int64
    var organization_id: Int64
    var source: String?
    var member_id: Int64?
    var line_uid: String?
    var channel_id: Int64?
    var profile_id: Int64?
    var previous_profile_id: Int64?
    var event_type: String
    var attribute: String?
    var previous_value: String?
    var new_value: String?
    var actor_type: String
    var actor_id: String
    var correlation_id: String
    var details: [String: String]
  }

  /// The rows one operation writes, captured from the engine synchronously so that the
  /// asynchronous write never reads engine state.
  struct PreparedWrite: Sendable {
    var scopes: [(UnifyScope, [String])] = []
    var orgs: [(OrgInfo, Int64)] = []
    var entities: [EntityRow] = []
    var memberships: [MembershipRow] = []
    /// Members that no longer belong to a profile (deleted).
    var leftMemberships: [MemberKey] = []
    var profiles: [ProfileRow] = []
    var audit: [AuditRow] = []
    var sequences: IdentifierSequences
  }

  func prepare(
    _ changes: EngineChanges, engine: UnificationEngine, scopes: [UnifyScope], orgs: [OrgInfo]
  ) -> PreparedWrite {
    var prepared = PreparedWrite(sequences: engine.sequences)
    prepared.scopes = scopes.map { ($0, (engine.graphs[$0.id]?.keys ?? []).map(\.rawValue)) }
    prepared.orgs = orgs.compactMap { info in engine.orgScope[info.org].map { (info, $0) } }
    // Replicas are rewritten only when the entity itself changed; a membership or version
    // change (a job's whole output) only touches its narrow unified_member row.
    var full = Set(changes.attributeWrites.keys)
    full.formUnion(changes.entityWrites)
    full.formUnion(changes.tagWrites.keys)
    var membership = full
    membership.formUnion(changes.membershipWrites)
    membership.formUnion(changes.versionWrites)
    prepared.entities = Self.ordered(full).compactMap { member in
      guard let entity = engine.entities[member] else { return nil }
      return EntityRow(
        source: member.source.rawValue, member_id: member.memberID,
        organization_id: entity.org.orgID,
        unify_scope_id: entity.scopeID,
        deleted_us: entity.deletedAt?.microseconds, replica: entity)
    }
    for member in Self.ordered(membership) {
      guard let entity = engine.entities[member] else { continue }
      if !entity.isDeleted, let profileID = engine.profileOf[member] {
        prepared.memberships.append(
          MembershipRow(
            source: member.source.rawValue, member_id: member.memberID,
            unify_scope_id: entity.scopeID, profile_id: profileID,
            unification_us: entity.unificationUpdatedAt?.microseconds, version: entity.version))
      } else {
        prepared.leftMemberships.append(
          MemberKey(source: member.source.rawValue, member_id: member.memberID))
      }
    }
    prepared.profiles = Self.ordered(changes.profileWrites).map { id in
      if let profile = engine.profiles[id] {
        return ProfileRow(
          profile_id: id, unify_scope_id: profile.scopeID,
          created_us: profile.createdAt.microseconds,
          merged_into: nil, member_count: profile.members.count, retired: false, state: profile,
          version: profile.version)
      }
      return ProfileRow(
        profile_id: id, unify_scope_id: 0, created_us: 0, merged_into: engine.retired[id] ?? nil,
        member_count: 0, retired: true, state: nil, version: 0)
    }
    prepared.audit = auditRows(changes.audit, engine: engine)
    return prepared
  }

  /// Writes a prepared operation on `connection` (inside the caller's transaction).
  func write(_ prepared: PreparedWrite, on connection: PostgresConnection) async throws {
    try await saveScopes(prepared.scopes, on: connection)
    try await saveOrgs(prepared.orgs, on: connection)
    if prepared.isSmall {
      try await writeInOneStatement(prepared, on: connection)
      return
    }
    if prepared.entities.count >= Self.copyThreshold {
      try await copyEntities(prepared.entities, on: connection)
    } else {
      for batch in Self.chunks(prepared.entities) {
        _ = try await connection.execute(
          """
          INSERT INTO channel_entity
            (source, member_id, organization_id, unify_scope_id, deleted_at, replica, updated_at)
          SELECT x.source, x.member_id, x.organization_id, x.unify_scope_id,
                 CASE WHEN x.deleted_us IS NULL THEN NULL
                      ELSE timestamptz 'epoch' + x.deleted_us * interval '1 microsecond' END,
                 x.replica, now()
          FROM jsonb_to_recordset(\(try Self.json(batch))) AS x(
            source text, member_id bigint, organization_id bigint, unify_scope_id bigint,
            deleted_us bigint, replica jsonb)
          ON CONFLICT (source, member_id) DO UPDATE SET
            organization_id = EXCLUDED.organization_id, unify_scope_id = EXCLUDED.unify_scope_id,
            deleted_at = EXCLUDED.deleted_at, replica = EXCLUDED.replica, updated_at = now()
          """)
      }
    }
    if prepared.memberships.count >= Self.copyThreshold {
      try await copyMemberships(prepared.memberships, on: connection)
    } else {
      for batch in Self.chunks(prepared.memberships) {
        _ = try await connection.execute(
          """
          INSERT INTO unified_member
            (source, member_id, unify_scope_id, profile_id, unification_updated_at, version)
          SELECT x.source, x.member_id, x.unify_scope_id, x.profile_id,
                 timestamptz 'epoch' + x.unification_us * interval '1 microsecond', x.version
          FROM jsonb_to_recordset(\(try Self.json(batch))) AS x(
            source text, member_id bigint, unify_scope_id bigint, profile_id bigint,
            unification_us bigint, version bigint)
          ON CONFLICT (source, member_id) DO UPDATE SET
            unify_scope_id = EXCLUDED.unify_scope_id, profile_id = EXCLUDED.profile_id,
            unification_updated_at = EXCLUDED.unification_updated_at, version = EXCLUDED.version
          """)
      }
    }
    for batch in Self.chunks(prepared.leftMemberships) {
      _ = try await connection.execute(
        """
        DELETE FROM unified_member m USING jsonb_to_recordset(\(try Self.json(batch)))
          AS x(source text, member_id bigint)
        WHERE m.source = x.source AND m.member_id = x.member_id
        """)
    }
    let live = prepared.profiles.filter { !$0.retired }
    try await retireProfiles(prepared.profiles.filter(\.retired), on: connection)
    if live.count >= Self.copyThreshold {
      try await copyProfiles(live, on: connection)
    } else {
      for batch in Self.chunks(live) {
        _ = try await connection.execute(
          """
          INSERT INTO profile
            (profile_id, unify_scope_id, created_at, merged_into, member_count, retired, state, version)
          SELECT x.profile_id, x.unify_scope_id,
                 timestamptz 'epoch' + x.created_us * interval '1 microsecond',
                 x.merged_into, x.member_count, x.retired, x.state, x.version
          FROM jsonb_to_recordset(\(try Self.json(batch))) AS x(
            profile_id bigint, unify_scope_id bigint, created_us bigint, merged_into bigint,
            member_count int, retired boolean, state jsonb, version bigint)
          \(unescaped: Self.profileUpsert)
          """)
      }
    }
    try await insertAudit(prepared.audit, on: connection)
    let sequences = prepared.sequences
    _ = try await connection.execute(
      """
      UPDATE engine_sequence SET next_scope_id = \(sequences.nextScopeID),
        next_profile_id = \(sequences.nextProfileID), next_version = \(sequences.nextVersion)
      """)
  }

  func auditRows(_ entries: [AuditEntry], engine: UnificationEngine) -> [AuditRow] {
    entries.map { entry in
      let org = entry.org ?? engine.scopes[entry.scopeID]?.orgs.first
      return AuditRow(
        occurred_us: entry.occurredAt.microseconds, recorded_us: entry.recordedAt.microseconds,
        unify_scope_id: entry.scopeID, organization_id: org?.orgID ?? 0,
        source: entry.member?.source.rawValue, member_id: entry.member?.memberID,
        line_uid: entry.lineUID, channel_id: entry.channelID, profile_id: entry.profileID,
        previous_profile_id: entry.previousProfileID, event_type: entry.eventType.rawValue,
        attribute: entry.attribute, previous_value: entry.previousValue, new_value: entry.newValue,
        actor_type: entry.actor.type, actor_id: entry.actor.id, correlation_id: entry.correlationID,
        details: entry.details)
    }
  }

  func insertAudit(_ rows: [AuditRow], on connection: PostgresConnection) async throws {
    if rows.count >= Self.copyThreshold {
      try await copyAudit(rows, on: connection)
      return
    }
    for batch in Self.chunks(rows) {
      _ = try await connection.execute(
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
        FROM jsonb_to_recordset(\(try Self.json(batch))) AS x(
          occurred_us bigint, recorded_us bigint, unify_scope_id bigint, organization_id bigint,
          source text, member_id bigint, line_uid text, channel_id bigint, profile_id bigint,
          previous_profile_id bigint, event_type text, attribute text, previous_value text,
          new_value text, actor_type text, actor_id text, correlation_id text, details jsonb)
        """)
    }
  }

  func saveScopes(_ scopes: [(UnifyScope, [String])], on connection: PostgresConnection)
    async throws
  {
    for (scope, applied) in scopes {
      let keys = scope.keys.attributes.map(\.rawValue)
      _ = try await connection.execute(
        """
        INSERT INTO unify_scope
          (unify_scope_id, name, unify_keys, applied_keys, settings_version, created_at, updated_at)
        VALUES (\(scope.id), \(scope.name), \(keys), \(applied), \(scope.settingsVersion),
                \(scope.createdAt.date), \(scope.updatedAt.date))
        ON CONFLICT (unify_scope_id) DO UPDATE SET name = EXCLUDED.name,
          unify_keys = EXCLUDED.unify_keys, applied_keys = EXCLUDED.applied_keys,
          settings_version = EXCLUDED.settings_version, updated_at = EXCLUDED.updated_at
        """)
    }
  }

  func saveOrgs(_ orgs: [(OrgInfo, Int64)], on connection: PostgresConnection) async throws {
    for (info, scopeID) in orgs {
      _ = try await connection.execute(
        """
        INSERT INTO org_unify_scope (organization_id, source, unify_scope_id, org_uuid, name, default_country)
        VALUES (\(info.org.orgID), \(info.org.source.rawValue), \(scopeID), \(info.orgUUID), \(info.name),
                \(info.defaultCountry))
        ON CONFLICT (organization_id, source) DO UPDATE SET unify_scope_id = EXCLUDED.unify_scope_id,
          org_uuid = EXCLUDED.org_uuid, name = EXCLUDED.name, default_country = EXCLUDED.default_country
        """)
    }
  }

  func saveDeletedTag(_ tag: TagKey, org: OrgRef, on connection: PostgresConnection) async throws {
    _ = try await connection.execute(
      """
      INSERT INTO deleted_tag (organization_id, source, tag_source, tag_id)
      VALUES (\(org.orgID), \(org.source.rawValue), \(tag.source.rawValue), \(tag.id))
      ON CONFLICT DO NOTHING
      """)
  }

  /// Rebuilds the engine from the schema.
  func load(pool: PostgresPool) async throws -> UnificationEngine {
    let decoder = JSONDecoder()
    var scopes: [UnifyScope] = []
    var applied: [Int64: [UnifyAttribute]] = [:]
    var orgScope: [OrgRef: Int64] = [:]
    let orgRows = try await pool.query(
      "SELECT organization_id, source, unify_scope_id, org_uuid, name, default_country FROM org_unify_scope"
    )
    var orgs: [OrgInfo] = []
    var scopeOrgs: [Int64: [OrgRef]] = [:]
    for row in orgRows {
      let org = OrgRef(
        try row.decode("organization_id", as: Int64.self),
        MemberSource(rawValue: try row.decode("source", as: String.self)) ?? .maac)
      let scopeID = try row.decode("unify_scope_id", as: Int64.self)
      orgScope[org] = scopeID
      scopeOrgs[scopeID, default: []].append(org)
      orgs.append(
        OrgInfo(
          org: org, orgUUID: try row.decode("org_uuid", as: String?.self),
          name: try row.decode("name", as: String?.self),
          defaultCountry: try row.decode("default_country", as: String.self)))
    }
    for row in try await pool.query(
      "SELECT unify_scope_id, name, unify_keys, applied_keys, settings_version, created_at, updated_at FROM unify_scope"
    ) {
      let id = try row.decode("unify_scope_id", as: Int64.self)
      let keys = try row.decode("unify_keys", as: [String].self).compactMap(
        UnifyAttribute.init(rawValue:))
      applied[id] = try row.decode("applied_keys", as: [String].self).compactMap(
        UnifyAttribute.init(rawValue:))
      scopes.append(
        UnifyScope(
          id: id, name: try row.decode("name", as: String.self),
          orgs: (scopeOrgs[id] ?? []).sorted(), keys: try UnifyKeySet.validate(keys),
          settingsVersion: try row.decode("settings_version", as: Int64.self),
          createdAt: Instant(try row.decode("created_at", as: Date.self)),
          updatedAt: Instant(try row.decode("updated_at", as: Date.self))))
    }
    var entities: [ChannelEntity] = []
    var profileOf: [MemberRef: Int64] = [:]
    for row in try await pool.query(
      """
      SELECT e.replica, m.profile_id, m.version, m.unification_updated_at
      FROM channel_entity e LEFT JOIN unified_member m USING (source, member_id)
      """)
    {
      var entity = try row.decode("replica", as: PostgresJSON.self).decode(
        ChannelEntity.self, decoder: decoder)
      if let profileID = try row.decode("profile_id", as: Int64?.self), !entity.isDeleted {
        profileOf[entity.member] = profileID
        // The membership row is newer than the replica for these two (jobs write only it).
        entity.version = max(entity.version, try row.decode("version", as: Int64.self))
        if let at = try row.decode("unification_updated_at", as: Date?.self) {
          entity.unificationUpdatedAt = Instant(at)
        }
      }
      entities.append(entity)
    }
    var profiles: [ProfileState] = []
    var retired: [Int64: Int64?] = [:]
    var liveIDs = Set<Int64>()
    for row in try await pool.query("SELECT profile_id, state FROM profile WHERE NOT retired") {
      if let state = try row.decode("state", as: PostgresJSON?.self) {
        profiles.append(try state.decode(ProfileState.self, decoder: decoder))
        liveIDs.insert(try row.decode("profile_id", as: Int64.self))
      }
    }
    // A live row wins over a stale retirement record (writes never delete those).
    for row in try await pool.query("SELECT profile_id, merged_into FROM retired_profile") {
      let id = try row.decode("profile_id", as: Int64.self)
      if !liveIDs.contains(id) {
        retired[id] = .some(try row.decode("merged_into", as: Int64?.self))
      }
    }
    var deleted: [OrgRef: Set<TagKey>] = [:]
    for row in try await pool.query(
      "SELECT organization_id, source, tag_source, tag_id FROM deleted_tag")
    {
      let org = OrgRef(
        try row.decode("organization_id", as: Int64.self),
        MemberSource(rawValue: try row.decode("source", as: String.self)) ?? .maac)
      deleted[org, default: []].insert(
        TagKey(
          MemberSource(rawValue: try row.decode("tag_source", as: String.self)) ?? .maac,
          try row.decode("tag_id", as: Int64.self)))
    }
    let sequenceRow = try await pool.query(
      "SELECT next_scope_id, next_profile_id, next_version FROM engine_sequence")
    let sequences = IdentifierSequences(
      nextScopeID: try sequenceRow.first?.decode("next_scope_id", as: Int64.self) ?? 1,
      nextProfileID: try sequenceRow.first?.decode("next_profile_id", as: Int64.self) ?? 1,
      nextVersion: try sequenceRow.first?.decode("next_version", as: Int64.self) ?? 1)
    return UnificationEngine.restore(
      scopes: scopes, appliedKeys: applied, orgs: orgs, orgScope: orgScope, entities: entities,
      profileOf: profileOf, profiles: profiles, retired: retired, deletedTags: deleted,
      sequences: sequences)
  }
}
