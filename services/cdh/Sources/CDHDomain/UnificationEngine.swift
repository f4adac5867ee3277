/// The CDH domain state machine: scopes, the entity replica, the unification graph, profiles
/// and tags, with every rule of cdh.md §3 as a pure operation that returns what changed.
///
/// The engine holds the working set in memory (it is rebuilt from storage at start-up) so
/// that one contact change costs O(affected component) and a whole-scope re-unification is a
/// union-find pass. Operations of one engine are serialised by its owner (the service actor),
/// which is the per-scope serialisation of U15/U20.
public struct UnificationEngine: Sendable {
  public internal(set) var scopes: [Int64: UnifyScope] = [:]
  public internal(set) var orgs: [OrgRef: OrgInfo] = [:]
  public internal(set) var orgScope: [OrgRef: Int64] = [:]
  public internal(set) var entities: [MemberRef: ChannelEntity] = [:]
  public internal(set) var graphs: [Int64: ScopeGraph] = [:]
  public internal(set) var profiles: [Int64: ProfileState] = [:]
  /// Member → its current profile id.
  public internal(set) var profileOf: [MemberRef: Int64] = [:]
  /// Retired profile → the profile it was merged into (U17); nil survivor = dissolved.
  public internal(set) var retired: [Int64: Int64?] = [:]
  /// Tags the tag manager deleted, per org: never propagated again (U38).
  public internal(set) var deletedTags: [OrgRef: Set<TagKey>] = [:]
  public var sequences: IdentifierSequences
  /// Incremented by the owner before every operation; a running job compares it between
  /// batches to know whether other operations changed the engine (``ReunifyRun``).
  public var operationCount: UInt64 = 0

  public init(sequences: IdentifierSequences = IdentifierSequences()) {
    self.sequences = sequences
  }

  // MARK: Scopes (U1)

  /// The scope of an org, provisioning a single-org scope with no keys the first time the
  /// org is seen (U1).
  @discardableResult
  public mutating func ensureScope(for org: OrgRef, now: Instant, info: OrgInfo? = nil) -> Int64 {
    if let scopeID = orgScope[org] {
      if let info { orgs[org] = info }
      return scopeID
    }
    let scopeID = sequences.scopeID()
    scopes[scopeID] = UnifyScope(
      id: scopeID, name: UnifyScope.defaultName(for: org), orgs: [org], createdAt: now)
    orgScope[org] = scopeID
    orgs[org] = info ?? OrgInfo(org: org)
    graphs[scopeID] = ScopeGraph(scopeID: scopeID, keys: [])
    return scopeID
  }

  public func scope(of org: OrgRef) -> UnifyScope? { orgScope[org].flatMap { scopes[$0] } }

  public func country(of org: OrgRef) -> String { orgs[org]?.defaultCountry ?? "TW" }

  // MARK: Reads (§3.10)

  /// A live (not deleted) entity.
  public func liveEntity(_ member: MemberRef) -> ChannelEntity? {
    guard let entity = entities[member], !entity.isDeleted else { return nil }
    return entity
  }

  /// The profile of a live member.
  public func profile(of member: MemberRef) -> ProfileState? {
    guard liveEntity(member) != nil, let id = profileOf[member] else { return nil }
    return profiles[id]
  }

  /// A profile by id, following `merged_into` from retired ids (U17).
  public func profile(id: Int64) -> ProfileState? {
    var current = id
    var hops = 0
    while profiles[current] == nil, let next = retired[current] ?? nil, hops < 10_000 {
      current = next
      hops += 1
    }
    return profiles[current]
  }

  func members(_ refs: [MemberRef]) -> [ChannelEntity] { refs.compactMap { entities[$0] } }

  // MARK: Shared mechanics

  /// Writes one replica value and its graph edge (U10, U14); returns whether the value
  /// changed and whether an edge of an applied key changed.
  mutating func write(
    _ field: String, _ value: AttributeValue, of member: MemberRef, changes: inout EngineChanges
  ) -> (valueChanged: Bool, keyEdgeChanged: Bool) {
    guard let previous = entities[member].map({ $0.attributes[field] }) else {
      return (false, false)
    }
    entities[member]!.attributes[field] = value
    let entity = entities[member]!
    changes.wrote(field, of: member)
    let valueChanged = previous?.value != value.value
    var keyEdgeChanged = false
    if let attribute = UnifyAttribute(rawValue: field), graphs[entity.scopeID] != nil {
      // U10: values CDH itself wrote never link.
      let raw = value.origin == .cdh ? nil : value.value
      let match = MatchValueNormalizer.matchValue(
        raw, for: attribute, country: country(of: entity.org))
      // Mutated in place: copying the graph out of the dictionary would copy its arrays.
      if graphs[entity.scopeID]!.setMatchValue(match, of: member, attribute)
        && graphs[entity.scopeID]!.keys.contains(attribute)
      {
        keyEdgeChanged = true
      }
    }
    return (valueChanged, keyEdgeChanged)
  }

  /// Re-indexes every candidate attribute of an entity in its scope's graph.
  mutating func indexEntity(_ member: MemberRef) {
    guard let entity = entities[member], graphs[entity.scopeID] != nil else { return }
    let country = country(of: entity.org)
    _ = graphs[entity.scopeID]!.slot(for: member)
    for attribute in UnifyAttribute.allCases {
      let value = entity.attributes[attribute.rawValue]
      let raw = value?.origin == .cdh ? nil : value?.value
      graphs[entity.scopeID]!.setMatchValue(
        MatchValueNormalizer.matchValue(raw, for: attribute, country: country), of: member,
        attribute)
    }
  }

  /// U26: before a profile loses members, every remaining member gets the pre-split merged
  /// value of each non-key contact-level field, keeping the winner's timestamps (origin
  /// `cdh`). Returns member → materialised fields.
  mutating func materialise(
    profileMembers: [MemberRef], changes: inout EngineChanges
  ) -> [MemberRef: [String]] {
    let view = ProfileCoalescer.view(of: members(profileMembers))
    var written: [MemberRef: [String]] = [:]
    for member in profileMembers {
      guard let entity = entities[member], !entity.isDeleted else { continue }
      for (field, winner) in view.fields.sorted(by: { $0.key < $1.key })
      where !ProfileField.unifyCapable.contains(field) {
        guard entity.attributes[field]?.value != winner.value else { continue }
        let value = AttributeValue(
          value: winner.value, sourceTimestamp: winner.sourceTimestamp,
          arrivedTimestamp: winner.arrivedTimestamp, origin: .cdh)
        _ = write(field, value, of: member, changes: &changes)
        written[member, default: []].append(field)
      }
    }
    return written
  }

  /// Whether a member holds a contact-level value different from its profile's merged
  /// value for any of `fields` (the re-sync case of U15 step 5 / U29).
  func holdsDifferentValue(
    _ member: MemberRef, fields: some Sequence<String>, view: MergedProfileView
  )
    -> Bool
  {
    guard let entity = entities[member] else { return false }
    for field in fields where ProfileField.isContactLevel(field) {
      if entity.attributes[field]?.value != view.value(field) { return true }
    }
    return false
  }
}
