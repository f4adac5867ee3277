import CDHDomain

/// Drives a `UnificationEngine` with contact events the way the contacts stream would, with
/// a deterministic clock.
struct Harness {
  var engine = UnificationEngine()
  var seconds: Int64 = 1_700_000_000
  var eventID: Int64 = 0
  var org = OrgRef(100)

  init(keys: [UnifyAttribute] = [], org: OrgRef = OrgRef(100)) {
    self.org = org
    if !keys.isEmpty { setKeys(keys, org: org) }
  }

  mutating func tick() -> Instant {
    seconds += 1
    return .seconds(seconds)
  }

  @discardableResult
  mutating func create(
    _ id: Int64, _ attributes: [String: String] = [:], org: OrgRef? = nil, reachable: Bool = true,
    origin: ChangeOrigin = .channel, at: Instant? = nil
  ) -> EngineChanges {
    let now = at ?? tick()
    eventID += 1
    let event = EntityEvent(
      eventID: eventID, kind: .created, member: .maac(id), org: org ?? self.org, occurredAt: now,
      origin: origin, actor: "test",
      state: InboundEntityState(channelType: "line", channelID: 11, reachable: reachable),
      changes: attributes.sorted { $0.key < $1.key }.map {
        InboundAttributeChange(
          attribute: $0.key, newValue: $0.value, sourceTimestamp: now, origin: origin)
      })
    return engine.apply(event, now: now)
  }

  @discardableResult
  mutating func update(
    _ id: Int64, _ attribute: String, _ value: String?, origin: ChangeOrigin = .user,
    sourceTimestamp: Instant? = nil, org: OrgRef? = nil
  ) -> EngineChanges {
    let now = tick()
    eventID += 1
    let event = EntityEvent(
      eventID: eventID, kind: .updated, member: .maac(id), org: org ?? self.org, occurredAt: now,
      origin: origin, actor: "test",
      changes: [
        InboundAttributeChange(
          attribute: attribute, newValue: value, sourceTimestamp: sourceTimestamp ?? now,
          origin: origin)
      ])
    return engine.apply(event, now: now)
  }

  @discardableResult
  mutating func delete(_ id: Int64) -> EngineChanges {
    let now = tick()
    eventID += 1
    return engine.apply(
      EntityEvent(
        eventID: eventID, kind: .deleted, member: .maac(id), org: org, occurredAt: now,
        origin: .user),
      now: now)
  }

  /// Stores keys and runs the job, as UpdateUnifyKeys + the re-unification job do.
  @discardableResult
  mutating func setKeys(_ keys: [UnifyAttribute], org: OrgRef? = nil) -> EngineChanges {
    let now = tick()
    let scopeID = engine.ensureScope(for: org ?? self.org, now: now)
    let keySet = try! UnifyKeySet.validate(keys)
    var (_, changes) = try! engine.updateKeys(
      scopeID: scopeID, keys: keySet, target: .scope, actor: .system, now: now)
    let (jobChanges, _) = engine.reunify(
      scopeIDs: [scopeID], type: .unifyScopeSettingUpdate, correlationID: "job", now: now)
    changes.merge(jobChanges)
    return changes
  }

  func profileID(_ id: Int64) -> Int64? { engine.profile(of: .maac(id))?.id }

  func members(_ id: Int64) -> [Int64] {
    engine.profile(of: .maac(id))?.members.map(\.memberID) ?? []
  }

  func merged(_ id: Int64, _ field: String) -> String? {
    engine.profile(of: .maac(id))?.view.value(field)
  }

  func value(_ id: Int64, _ field: String) -> String? {
    engine.entities[.maac(id)]?.value(field)
  }
}
