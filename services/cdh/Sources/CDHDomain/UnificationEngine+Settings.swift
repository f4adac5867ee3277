extension UnificationEngine {
  func scopeOrThrow(_ scopeID: Int64) throws(DomainError) -> UnifyScope {
    guard let scope = scopes[scopeID] else {
      throw .notFound("unify scope not found", field: "unify_scope_id")
    }
    return scope
  }

  func scopeAudit(
    _ type: AuditEventType, scopeID: Int64, org: OrgRef? = nil, attribute: String? = nil,
    previous: String?, new: String?, actor: Actor, correlationID: String, now: Instant,
    details: [String: String] = [:]
  ) -> AuditEntry {
    AuditEntry(
      eventType: type, occurredAt: now, recordedAt: now, scopeID: scopeID, org: org,
      attribute: attribute, previousValue: previous, newValue: new, actor: actor,
      correlationID: correlationID, details: details)
  }

  static func describe(_ keys: UnifyKeySet) -> String {
    keys.attributes.map(\.rawValue).joined(separator: ",")
  }

  /// U2–U5: stores a new key set. The graph keeps the applied keys until the job runs
  /// (`reunify`), so real-time changes stay consistent with the current components.
  public mutating func updateKeys(
    scopeID: Int64, keys: UnifyKeySet, target: UnifyScope.UpdateTarget,
    expectedSettingsVersion: Int64 = 0, actor: Actor, now: Instant
  ) throws(DomainError) -> (UnifyScope.KeyUpdate, EngineChanges) {
    var scope = try scopeOrThrow(scopeID)
    let update = try scope.updateKeys(
      keys, target: target, expectedSettingsVersion: expectedSettingsVersion, now: now)
    var changes = EngineChanges()
    guard update.changed else { return (update, changes) }
    scopes[scopeID] = scope
    changes.audit.append(
      scopeAudit(
        .settingsChanged, scopeID: scopeID, attribute: "unify_keys",
        previous: Self.describe(update.previousKeys), new: Self.describe(keys), actor: actor,
        correlationID: "settings_version:\(scope.settingsVersion)", now: now))
    return (update, changes)
  }

  /// The figures of one re-unification run (U18).
  public struct ReunifyStats: Sendable, Equatable {
    public var totalEntities = 0
    public var influencedEntities = 0
    public var profilesPublished = 0
  }

  /// U18: applies each scope's stored keys to its graph, recomputes every component with
  /// union-find and regroups those that differ from the current profiles. Several scopes are
  /// regrouped together so that members moving between them keep consistent ids (U6).
  public mutating func reunify(
    scopeIDs: [Int64], broadcastAll: Bool = false, type: ProfileBroadcastType,
    actor: Actor = .system, correlationID: String, now: Instant
  ) -> (EngineChanges, ReunifyStats) {
    var run = beginReunify(scopeIDs: scopeIDs)
    var changes = adoptScopes(of: run)
    while !run.isFinished {
      let batch = applyNextBatch(
        of: &run, revalidate: false, broadcastAll: broadcastAll, type: type, actor: actor,
        correlationID: correlationID, now: now)
      if changes.isEmpty { changes = batch } else { changes.merge(batch) }
    }
    var stats = ReunifyStats()
    stats.totalEntities = run.totalEntities
    stats.influencedEntities = changes.influencedMembers
    stats.profilesPublished = changes.profileItems.count
    return (changes, stats)
  }

  /// U6 "move orgs": moves orgs (provisioned if unseen) into a scope, optionally setting its
  /// keys. Returns every scope that gained or lost orgs: the caller runs one re-unification
  /// over all of them.
  public mutating func moveOrgs(
    _ moving: [OrgRef], into scopeID: Int64, keys: UnifyKeySet?, actor: Actor, now: Instant
  ) throws(DomainError) -> ([Int64], EngineChanges) {
    guard !moving.isEmpty else { throw .invalidArgument(field: "orgs", "orgs must not be empty") }
    var target = try scopeOrThrow(scopeID)
    var changes = EngineChanges()
    var affected: [Int64] = [scopeID]
    for org in moving {
      let from = ensureScope(for: org, now: now)
      guard from != scopeID else { continue }
      if var source = scopes[from] {
        source.orgs.removeAll { $0 == org }
        source.settingsVersion += 1
        source.updatedAt = now
        scopes[from] = source
      }
      if !affected.contains(from) { affected.append(from) }
      target.orgs.append(org)
      orgScope[org] = scopeID
      scopes[scopeID] = target
      for (member, entity) in entities where entity.org == org && !entity.isDeleted {
        graphs[from]?.remove(member)
        entities[member]?.scopeID = scopeID
        indexEntity(member)
        changes.entityWrites.insert(member)
      }
      changes.audit.append(
        scopeAudit(
          .scopeChanged, scopeID: scopeID, org: org, attribute: "unify_scope_id",
          previous: String(from), new: String(scopeID), actor: actor,
          correlationID: "scope:\(scopeID)", now: now))
    }
    target.orgs.sort()
    if let keys, !keys.sameSet(as: target.keys) {
      changes.audit.append(
        scopeAudit(
          .settingsChanged, scopeID: scopeID, attribute: "unify_keys",
          previous: Self.describe(target.keys), new: Self.describe(keys), actor: actor,
          correlationID: "scope:\(scopeID)", now: now))
      target.keys = keys
    }
    target.settingsVersion += 1
    target.updatedAt = now
    scopes[scopeID] = target
    return (affected, changes)
  }

  /// U6 "connect": joins every org sharing the org's `org_uuid` into the org's scope.
  public mutating func connect(
    org: OrgRef, keys: UnifyKeySet?, actor: Actor, now: Instant
  ) throws(DomainError) -> ([Int64], EngineChanges) {
    let scopeID = ensureScope(for: org, now: now)
    guard let uuid = orgs[org]?.orgUUID, !uuid.isEmpty else {
      throw .failedPrecondition("no other org shares this org_uuid")
    }
    let siblings = orgs.values.filter { $0.orgUUID == uuid }.map(\.org).sorted()
    guard siblings.count > 1 else { throw .failedPrecondition("no other org shares this org_uuid") }
    return try moveOrgs(siblings, into: scopeID, keys: keys, actor: actor, now: now)
  }

  /// U6 "disconnect": every org of the scope gets its own new scope with a copy of the keys.
  public mutating func disconnect(scopeID: Int64, actor: Actor, now: Instant) throws(DomainError)
    -> ([Int64], EngineChanges)
  {
    let scope = try scopeOrThrow(scopeID)
    guard scope.isConnected else { throw .failedPrecondition("scope is not connected") }
    var changes = EngineChanges()
    var affected: [Int64] = [scopeID]
    for org in scope.orgs {
      let newID = sequences.scopeID()
      scopes[newID] = UnifyScope(
        id: newID, name: UnifyScope.defaultName(for: org), orgs: [], keys: scope.keys,
        createdAt: now)
      graphs[newID] = ScopeGraph(scopeID: newID, keys: scope.keys.attributes)
      let (_, moved) = try moveOrgs([org], into: newID, keys: nil, actor: actor, now: now)
      changes.merge(moved)
      affected.append(newID)
    }
    return (affected, changes)
  }
}

extension EngineChanges {
  /// Folds another operation's changes into this one.
  public mutating func merge(_ other: EngineChanges) {
    for (member, fields) in other.attributeWrites {
      attributeWrites[member, default: []].formUnion(fields)
    }
    entityWrites.formUnion(other.entityWrites)
    membershipWrites.formUnion(other.membershipWrites)
    versionWrites.formUnion(other.versionWrites)
    for (member, tags) in other.tagWrites { tagWrites[member, default: []].formUnion(tags) }
    profileWrites.formUnion(other.profileWrites)
    audit.append(contentsOf: other.audit)
    profileItems.append(contentsOf: other.profileItems)
    tagItems.append(contentsOf: other.tagItems)
    staleChanges += other.staleChanges
    echoChanges += other.echoChanges
    influencedMembers += other.influencedMembers
  }
}
