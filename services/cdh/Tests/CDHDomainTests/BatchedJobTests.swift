import CDHDomain
import Testing

@Suite("Re-unification in batches and organization updates")
struct BatchedJobTests {
  /// 40 contacts: pairs share a customer id, quadruples a phone.
  static func seeded(keys: [UnifyAttribute] = []) -> Harness {
    var harness = Harness(keys: keys)
    for id in Int64(1)...40 {
      harness.create(
        id,
        [
          "custom_id": "C\((id + 1) / 2)",
          "display_mobile":
            "09\(String(repeating: "0", count: 6))\(String(format: "%02d", (id + 3) / 4))",
        ])
    }
    return harness
  }

  static func grouping(_ harness: Harness) -> [[Int64]] {
    Set((Int64(1)...40).map { harness.members($0) }).sorted { $0.first! < $1.first! }
  }

  @Test(
    "U18, U20: a job applied in batches of whole units ends exactly where the one-shot job ends, and every boundary is a consistent state"
  )
  func batchesEqualOneShot() throws {
    var oneShot = Self.seeded(keys: [.customID])
    oneShot.setKeys([.displayMobile])
    var batched = Self.seeded(keys: [.customID])
    let now = batched.tick()
    let scopeID = batched.engine.orgScope[batched.org]!
    _ = try batched.engine.updateKeys(
      scopeID: scopeID, keys: try UnifyKeySet.validate([.displayMobile]), target: .scope,
      actor: .system, now: now)
    var run = batched.engine.beginReunify(scopeIDs: [scopeID], batchSize: 3)
    #expect(run.totalEntities == 40)
    var batches = 0
    while !run.isFinished {
      _ = batched.engine.applyNextBatch(
        of: &run, revalidate: false, type: .unifyScopeSettingUpdate, correlationID: "job",
        now: now)
      batches += 1
      // Between batches every member sits in exactly one profile that lists it.
      for id in Int64(1)...40 {
        let members = batched.members(id)
        #expect(members.contains(id))
        for other in members { #expect(batched.members(other) == members) }
      }
      #expect(run.processedEntities <= run.totalEntities)
    }
    // Units of 4 (two old pairs each) in batches of at most 3 entities: one unit per batch.
    #expect(batches == 10)
    #expect(run.processedEntities == 40)
    #expect(Self.grouping(batched) == Self.grouping(oneShot))
    #expect(Self.grouping(batched).allSatisfy { $0.count == 4 })
  }

  @Test(
    "U20, U15: a real-time change between two batches is computed with the new keys and leaves the half-regrouped scope consistent"
  )
  func realTimeBetweenBatches() throws {
    var harness = Self.seeded()
    let now = harness.tick()
    let scopeID = harness.engine.orgScope[harness.org]!
    _ = try harness.engine.updateKeys(
      scopeID: scopeID, keys: try UnifyKeySet.validate([.customID, .displayMobile]),
      target: .scope, actor: .system, now: now)
    var run = harness.engine.beginReunify(scopeIDs: [scopeID], batchSize: 8)
    _ = harness.engine.applyNextBatch(
      of: &run, revalidate: false, type: .unifyScopeSettingUpdate, correlationID: "job", now: now)
    #expect(harness.members(1) == [1, 2, 3, 4])
    #expect(harness.members(40) == [40])
    // Contact 40 takes contact 1's customer id: it joins 1..4 and pulls in its own
    // quadruple (37..40), which the job has not reached yet.
    harness.update(40, "custom_id", "C1")
    #expect(harness.members(1) == [1, 2, 3, 4, 37, 38, 39, 40])
    for id in Int64(37)...40 { #expect(harness.members(id) == [1, 2, 3, 4, 37, 38, 39, 40]) }
    while !run.isFinished {
      _ = harness.engine.applyNextBatch(
        of: &run, revalidate: true, type: .unifyScopeSettingUpdate, correlationID: "job",
        now: now)
    }
    #expect(harness.members(40) == [1, 2, 3, 4, 37, 38, 39, 40])
    #expect(harness.members(36) == [33, 34, 35, 36])
    #expect(harness.members(5) == [5, 6, 7, 8])
  }

  @Test(
    "U1, U12: an organization update provisions the scope; a new default country re-normalises the org's phones and regroups"
  )
  func organizationCountry() {
    var harness = Harness(keys: [.displayMobile])
    let japan = OrgRef(300)
    _ = harness.engine.updateOrganization(
      OrgInfo(org: japan, orgUUID: "u-300", name: "Acme JP", defaultCountry: "JP"),
      now: harness.tick())
    let scopeID = harness.engine.orgScope[japan]
    #expect(scopeID != nil)
    #expect(harness.engine.orgs[japan]?.orgUUID == "u-300")
    harness.setKeys([.displayMobile], org: japan)
    harness.create(1, ["display_mobile": "090-1234-5678"], org: japan)
    harness.create(2, ["display_mobile": "+81 90 1234 5678"], org: japan)
    #expect(harness.members(1) == [1, 2])
    let changes = harness.engine.updateOrganization(
      OrgInfo(org: japan, orgUUID: "u-300", name: "Acme JP", defaultCountry: "TW"),
      now: harness.tick())
    #expect(harness.members(1) == [1])
    #expect(harness.members(2) == [2])
    #expect(changes.profileItems.count == 2)
    // A name-only update regroups nothing.
    let rename = harness.engine.updateOrganization(
      OrgInfo(org: japan, orgUUID: "u-300", name: "Acme", defaultCountry: "TW"),
      now: harness.tick())
    #expect(rename.profileItems.isEmpty)
    #expect(harness.engine.orgs[japan]?.name == "Acme")
  }
}
