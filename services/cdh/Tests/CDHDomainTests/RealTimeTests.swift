import CDHDomain
import Testing

@Suite("Real-time processing and profile ids")
struct RealTimeTests {
  @Test("U15: one change merges, audits, and publishes one item listing all members")
  func u15RealTime() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A", "display_name": "Ann"])
    harness.create(2, [:])
    let changes = harness.update(2, "custom_id", "A")
    #expect(harness.members(2) == [1, 2])
    #expect(
      changes.audit.contains { $0.eventType == .attributeChanged && $0.attribute == "custom_id" })
    #expect(changes.audit.filter { $0.eventType == .unificationChanged }.count == 2)
    #expect(changes.profileItems.count == 1)
    let item = changes.profileItems[0]
    #expect(item.members == [.maac(1), .maac(2)])
    #expect(item.type == .channelEntityProfileUpdate)
    #expect(item.view.value("display_name") == "Ann")
    // A non-key change republishes the profile to all members.
    let rename = harness.update(1, "city", "Taipei")
    #expect(rename.profileItems.map(\.members) == [[.maac(1), .maac(2)]])
    // An entity-level change that does not alter the view publishes nothing (U42).
    let note = harness.update(1, "note", "hello")
    #expect(note.profileItems.isEmpty)
  }

  @Test("U16: deleting an entity removes its links; the rest may split and get items")
  func u16Deletion() {
    var harness = Harness(keys: [.customID, .displayEmail])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A", "display_email": "b@x.com"])
    harness.create(3, ["display_email": "b@x.com"])
    #expect(harness.members(1) == [1, 2, 3])
    let changes = harness.delete(2)
    #expect(harness.members(1) == [1])
    #expect(harness.members(3) == [3])
    #expect(harness.engine.profile(of: .maac(2)) == nil)
    #expect(Set(changes.profileItems.flatMap(\.members)) == [.maac(1), .maac(3)])
    #expect(changes.profileItems.allSatisfy { $0.type == .entityDeleted })
    // Further events for the deleted entity are ignored.
    let later = harness.update(2, "custom_id", "A")
    #expect(later.isEmpty)
    #expect(harness.members(1) == [1])
  }

  @Test("U17: the oldest id survives a merge, the larger part keeps the id on a split")
  func u17StableIDs() {
    var harness = Harness(keys: [.customID, .connectID])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    let older = harness.profileID(1)!
    harness.create(3, ["connect_id": "K"])
    let younger = harness.profileID(3)!
    #expect(older != younger)
    // Merge: entity 2 links both profiles.
    let merge = harness.update(2, "connect_id", "K")
    #expect(harness.profileID(3) == older)
    #expect(harness.engine.retired[younger] == .some(older))
    #expect(merge.profileItems.first?.previousProfileIDs == [younger])
    // Retired ids follow merged_into.
    #expect(harness.engine.profile(id: younger)?.id == older)
    // Split: 3 leaves; {1,2} is the larger part and keeps the id.
    harness.update(3, "connect_id", nil)
    #expect(harness.profileID(1) == older)
    #expect(harness.profileID(3) != older)
    // Tie: the part containing the smallest member keeps the id.
    var tie = Harness(keys: [.customID, .connectID])
    tie.create(5, ["custom_id": "X"])
    tie.create(6, ["custom_id": "X", "connect_id": "Y"])
    tie.create(7, ["connect_id": "Y"])
    tie.create(8, ["connect_id": "Y"])
    let id = tie.profileID(5)!
    tie.update(6, "connect_id", nil)  // {5,6} vs {7,8}
    #expect(tie.profileID(5) == id)
    #expect(tie.profileID(7) != id)
    // Pure assigner: a new singleton gets a new id.
    let fresh = ProfileIDAssigner.assign(components: [[.maac(99)]]) { _ in nil }
    #expect(fresh.keptIDs == [nil])
  }

  @Test("U42: echoes are ignored, versions grow monotonically, no-op changes publish nothing")
  func u42OutboundGuarantees() {
    var harness = Harness(keys: [.customID])
    let first = harness.create(1, ["custom_id": "A", "city": "X"])
    let second = harness.update(1, "city", "Y")
    #expect(first.profileItems.count == 1)
    #expect(second.profileItems[0].version > first.profileItems[0].version)
    #expect(harness.engine.entities[.maac(1)]?.version == second.profileItems[0].version)
    let echo = harness.update(1, "city", "Z", origin: .cdh)
    #expect(echo.profileItems.isEmpty)
    #expect(harness.value(1, "city") == "Y")
    let same = harness.update(1, "city", "Y")
    #expect(same.profileItems.isEmpty)
  }

  @Test("U43: a change older than the stored value is ignored; the same event twice applies once")
  func u43OutOfOrder() {
    var harness = Harness(keys: [.customID])
    harness.create(1, [:])
    let newer = harness.tick()
    harness.update(1, "custom_id", "NEW", sourceTimestamp: newer)
    let stale = harness.update(
      1, "custom_id", "OLD", sourceTimestamp: newer.adding(microseconds: -1))
    #expect(stale.staleChanges == 1)
    #expect(stale.profileItems.isEmpty)
    #expect(harness.value(1, "custom_id") == "NEW")
    // Replaying one event: the second application is a no-op.
    let now = harness.tick()
    let event = EntityEvent(
      eventID: 777, kind: .updated, member: .maac(1), org: harness.org, occurredAt: now,
      origin: .user,
      changes: [
        InboundAttributeChange(
          attribute: "city", newValue: "Q", sourceTimestamp: now, origin: .user)
      ])
    let once = harness.engine.apply(event, now: now)
    let twice = harness.engine.apply(event, now: now)
    #expect(once.profileItems.count == 1)
    #expect(twice.profileItems.isEmpty)
    #expect(twice.audit.isEmpty)
  }
}
