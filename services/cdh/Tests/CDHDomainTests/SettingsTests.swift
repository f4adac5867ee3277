import CDHDomain
import Testing

@Suite("Scopes and settings")
struct SettingsTests {
  @Test("U1: an org seen for the first time gets a single-org scope with no keys")
  func u1DefaultScope() {
    var harness = Harness()
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    let scope = harness.engine.scope(of: harness.org)
    #expect(scope?.name == "maac_100")
    #expect(scope?.orgs == [harness.org])
    #expect(scope?.keys.isEmpty == true)
    // No keys: nothing merges.
    #expect(harness.members(1) == [1])
    #expect(harness.profileID(1) != harness.profileID(2))
  }

  @Test("U2: duplicates and aliases collapse keeping the first position; at most three keys")
  func u2KeySets() throws {
    let keys = try UnifyKeySet.validate([
      .init(attribute: UnifyAttribute(name: "phone"), rawName: "phone"),
      .key(.customID),
      .init(attribute: UnifyAttribute(name: "mobile"), rawName: "mobile"),
    ])
    #expect(keys.attributes == [.displayMobile, .customID])
    #expect(try UnifyKeySet.validate([]).isEmpty)
    #expect(UnifyAttribute(name: "line_id") == .lineUID)
    #expect(UnifyAttribute(name: "customer_id") == .customID)
    #expect(UnifyAttribute(name: "external_member_id") == .lineUID)
    let tooMany = #expect(throws: DomainError.self) {
      try UnifyKeySet.validate([.customID, .displayMobile, .displayEmail, .connectID])
    }
    #expect(tooMany?.message == "at most 3 unify keys are allowed")
    #expect(tooMany?.field == "unify_keys")
    let unknown = #expect(throws: DomainError.self) {
      try UnifyKeySet.validate([.key(.customID), .init(attribute: nil, rawName: "fb_id")])
    }
    #expect(unknown?.message == "unsupported unify key attribute: fb_id")
    #expect(unknown?.field == "unify_keys[1].attribute")
  }

  @Test("U3: distinct keys are refused")
  func u3NoDistinct() {
    let error = #expect(throws: DomainError.self) {
      try UnifyKeySet.validate([.init(attribute: .customID, rawName: "custom_id", isDistinct: true)]
      )
    }
    #expect(error?.kind == .invalidArgument)
    #expect(error?.message == "distinct unify keys are not supported")
    #expect(error?.field == "unify_keys[0].is_distinct")
  }

  @Test("U4: an org-level update of a connected scope fails with CDH_ALREADY_CONNECTED")
  func u4ConnectedScope() throws {
    var engine = UnificationEngine()
    let now = Instant.seconds(10)
    let a = OrgRef(1)
    let b = OrgRef(2)
    engine.ensureScope(for: a, now: now, info: OrgInfo(org: a, orgUUID: "u-1"))
    engine.ensureScope(for: b, now: now, info: OrgInfo(org: b, orgUUID: "u-1"))
    let (affected, _) = try engine.connect(org: a, keys: nil, actor: .system, now: now)
    let scopeID = engine.orgScope[a]!
    #expect(engine.orgScope[b] == scopeID)
    #expect(affected.contains(scopeID))
    #expect(engine.scopes[scopeID]!.isConnected)
    let keys = try UnifyKeySet.validate([.customID])
    let error = #expect(throws: DomainError.self) {
      _ = try engine.updateKeys(
        scopeID: scopeID, keys: keys, target: .org, actor: .system, now: now)
    }
    #expect(error?.kind == .failedPrecondition)
    #expect(error?.message == "CDH_ALREADY_CONNECTED: change unify keys at scope level")
    let (scopeLevel, _) = try engine.updateKeys(
      scopeID: scopeID, keys: keys, target: .scope, actor: .system, now: now)
    #expect(scopeLevel.changed)
    // Single-org scope: org level and scope level are the same.
    var single = UnifyScope(id: 9, name: "maac_9", orgs: [OrgRef(9)], createdAt: now)
    #expect(try single.updateKeys(keys, target: .org, now: now).changed)
  }

  @Test(
    "U5: saving the same key set (order ignored) changes nothing; a new set bumps the version and audits"
  )
  func u5OnlyRealChange() throws {
    var engine = UnificationEngine()
    let now = Instant.seconds(10)
    let scopeID = engine.ensureScope(for: OrgRef(1), now: now)
    let first = try UnifyKeySet.validate([.customID, .displayMobile])
    let (update, changes) = try engine.updateKeys(
      scopeID: scopeID, keys: first, target: .org, actor: .system, now: now)
    #expect(update.changed)
    #expect(update.scope.settingsVersion == 2)
    #expect(changes.audit.map(\.eventType) == [.settingsChanged])
    #expect(changes.audit.first?.previousValue == "")
    #expect(changes.audit.first?.newValue == "custom_id,display_mobile")
    let reordered = try UnifyKeySet.validate([.displayMobile, .customID])
    let (again, none) = try engine.updateKeys(
      scopeID: scopeID, keys: reordered, target: .org, actor: .system, now: now)
    #expect(!again.changed)
    #expect(again.scope.settingsVersion == 2)
    #expect(none.isEmpty)
    let stale = #expect(throws: DomainError.self) {
      _ = try engine.updateKeys(
        scopeID: scopeID, keys: .empty, target: .org, expectedSettingsVersion: 1, actor: .system,
        now: now)
    }
    #expect(stale?.message == "settings version mismatch")
  }

  @Test(
    "U6: disconnect gives every org its own scope with a copy of the keys; entities stop linking across orgs"
  )
  func u6ScopeMembership() throws {
    var harness = Harness()
    let a = OrgRef(1)
    let b = OrgRef(2)
    let now = harness.tick()
    harness.engine.ensureScope(for: a, now: now, info: OrgInfo(org: a, orgUUID: "uuid"))
    harness.engine.ensureScope(for: b, now: now, info: OrgInfo(org: b, orgUUID: "uuid"))
    harness.create(1, ["custom_id": "C"], org: a)
    harness.create(2, ["custom_id": "C"], org: b)
    let keys = try UnifyKeySet.validate([.customID])
    let (affected, _) = try harness.engine.connect(org: a, keys: keys, actor: .system, now: now)
    _ = harness.engine.reunify(
      scopeIDs: affected, type: .unifyScopeSettingUpdate, correlationID: "connect",
      now: harness.tick())
    #expect(harness.members(1) == [1, 2])
    let scopeID = harness.engine.orgScope[a]!
    let (split, _) = try harness.engine.disconnect(
      scopeID: scopeID, actor: .system, now: harness.tick())
    _ = harness.engine.reunify(
      scopeIDs: split, type: .unifyScopeSettingUpdate, correlationID: "disconnect",
      now: harness.tick())
    #expect(harness.engine.orgScope[a] != harness.engine.orgScope[b])
    #expect(harness.engine.scope(of: a)?.keys.attributes == [.customID])
    #expect(harness.engine.scope(of: b)?.keys.attributes == [.customID])
    #expect(harness.members(1) == [1])
    #expect(harness.members(2) == [2])
    let notConnected = #expect(throws: DomainError.self) {
      _ = try harness.engine.disconnect(
        scopeID: harness.engine.orgScope[a]!, actor: .system, now: now)
    }
    #expect(notConnected?.message == "scope is not connected")
    let moveEmpty = #expect(throws: DomainError.self) {
      _ = try harness.engine.moveOrgs([], into: scopeID, keys: nil, actor: .system, now: now)
    }
    #expect(moveEmpty?.field == "orgs")
  }

  @Test("U7: merge state is not finished exactly while a job is pending or running")
  func u7MergeState() throws {
    var job = ReunifyJob(
      id: 1, scopeID: 5, trigger: .settingsChange, settingsVersion: 2, createdAt: .seconds(1))
    #expect(!MergeState(scopeID: 5, jobs: [job]).isFinished)
    try job.move(to: .running, at: .seconds(2))
    #expect(!MergeState(scopeID: 5, jobs: [job]).isFinished)
    try job.move(to: .completed, at: .seconds(3))
    let state = MergeState(scopeID: 5, jobs: [job])
    #expect(state.isFinished)
    #expect(state.latestJob?.id == 1)
    #expect(MergeState(scopeID: 6, jobs: [job]).isFinished)
    #expect(throws: DomainError.self) { try job.move(to: .running, at: .seconds(4)) }
  }

  @Test("U20: newer settings supersede the active job; the new job applies the newest version")
  func u20NewestSettingsWin() throws {
    var running = ReunifyJob(
      id: 1, scopeID: 5, trigger: .settingsChange, settingsVersion: 2, createdAt: .seconds(1))
    try running.move(to: .running, at: .seconds(2))
    let plan = ReunifyJobPlanner.plan(active: running, newSettingsVersion: 3)
    #expect(plan.supersede == 1)
    #expect(plan.newJobSettingsVersion == 3)
    #expect(ReunifyJobPlanner.isSuperseded(running, currentSettingsVersion: 3))
    #expect(!ReunifyJobPlanner.isSuperseded(running, currentSettingsVersion: 2))
    try running.move(to: .superseded, at: .seconds(3))
    #expect(!running.status.isActive)
    #expect(ReunifyJobPlanner.plan(active: nil, newSettingsVersion: 4).supersede == nil)
  }
}
