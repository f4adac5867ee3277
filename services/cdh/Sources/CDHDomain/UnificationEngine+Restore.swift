extension UnificationEngine {
  /// Rebuilds an engine from persisted state (service start-up): scopes with the key set
  /// their graph currently applies, orgs, entities with their profile ids, live and retired
  /// profiles and deleted tags. The graph index is recomputed from the entities' values.
  public static func restore(
    scopes: [UnifyScope], appliedKeys: [Int64: [UnifyAttribute]], orgs: [OrgInfo],
    orgScope: [OrgRef: Int64], entities: [ChannelEntity], profileOf: [MemberRef: Int64],
    profiles: [ProfileState], retired: [Int64: Int64?], deletedTags: [OrgRef: Set<TagKey>],
    sequences: IdentifierSequences
  ) -> UnificationEngine {
    var engine = UnificationEngine(sequences: sequences)
    for scope in scopes {
      engine.scopes[scope.id] = scope
      engine.graphs[scope.id] = ScopeGraph(
        scopeID: scope.id, keys: appliedKeys[scope.id] ?? scope.keys.attributes)
    }
    for info in orgs { engine.orgs[info.org] = info }
    engine.orgScope = orgScope
    engine.entities.reserveCapacity(entities.count)
    for entity in entities { engine.entities[entity.member] = entity }
    for entity in entities where !entity.isDeleted { engine.indexEntity(entity.member) }
    engine.profileOf = profileOf
    for profile in profiles { engine.profiles[profile.id] = profile }
    engine.retired = retired
    engine.deletedTags = deletedTags
    return engine
  }

  /// The key set each scope's graph currently applies (persisted so that a restart between
  /// a settings change and its job keeps the same components).
  public var appliedKeys: [Int64: [UnifyAttribute]] { graphs.mapValues(\.keys) }
}
