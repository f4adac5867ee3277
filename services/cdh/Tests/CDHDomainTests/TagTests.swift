import CDHDomain
import Testing

@Suite("Tags")
struct TagTests {
  let vip = TagKey(.maac, 11)

  func tagEvent(
    _ harness: inout Harness, _ member: Int64, _ tag: TagKey, attached: Bool = true,
    echo: Bool = false, at: Instant? = nil
  ) -> EngineChanges {
    let now = at ?? harness.tick()
    harness.eventID += 1
    return harness.engine.apply(
      TagEvent(
        eventID: harness.eventID, org: harness.org, member: .maac(member), tag: tag, tagName: "vip",
        isAttached: attached, occurredAt: now, isEcho: echo),
      now: now)
  }

  @Test("U34: profile tags are the union over members, de-duplicated, from the member's own rows")
  func u34Union() {
    var harness = Harness(keys: [.customID])
    harness.create(1, [:])
    harness.create(2, [:])
    _ = tagEvent(&harness, 1, vip)
    _ = tagEvent(&harness, 2, vip)
    _ = tagEvent(&harness, 2, TagKey(.maac, 12))
    harness.update(1, "custom_id", "A")
    harness.update(2, "custom_id", "A")
    let tags = harness.engine.profileTags(of: .maac(1))!
    #expect(tags.map(\.tag) == [vip, TagKey(.maac, 12)])
    #expect(tags.first { $0.tag.id == 12 }?.inherited == true)
    #expect(tags.first { $0.tag.id == 11 }?.inherited == false)
  }

  @Test("U35: a tag change on one member propagates to all members as a normal tag")
  func u35Propagation() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    let add = tagEvent(&harness, 1, vip)
    #expect(harness.engine.entities[.maac(2)]?.tags[vip]?.origin == .propagated)
    #expect(add.tagItems.count == 1)
    #expect(add.tagItems[0].members == [.maac(1), .maac(2)])
    #expect(add.tagItems[0].tags[0].action == .add)
    #expect(add.tagItems[0].tags[0].inherited == false)
    let remove = tagEvent(&harness, 2, vip, attached: false)
    #expect(harness.engine.entities[.maac(1)]?.tags[vip]?.isAttached == false)
    #expect(remove.tagItems[0].tags[0].action == .delete)
    // Echoes of CDH's propagation are skipped; singletons publish nothing.
    #expect(tagEvent(&harness, 1, vip, echo: true).echoChanges == 1)
    harness.create(3, [:])
    #expect(tagEvent(&harness, 3, vip).tagItems.isEmpty)
  }

  @Test("U36: a merge hands down inherited tags with the original attach time, never downgrading")
  func u36Inherited() {
    var harness = Harness(keys: [.customID])
    harness.create(1, [:])
    harness.create(2, [:])
    let attachedAt = harness.tick()
    _ = tagEvent(&harness, 1, vip, at: attachedAt)
    _ = tagEvent(&harness, 2, TagKey(.maac, 12))
    harness.update(1, "custom_id", "A")
    let merge = harness.update(2, "custom_id", "A")
    let inherited = harness.engine.entities[.maac(2)]?.tags[vip]
    #expect(inherited?.origin == .inherited)
    #expect(inherited?.attachedAt == attachedAt)
    #expect(harness.engine.entities[.maac(2)]?.tags[TagKey(.maac, 12)]?.origin == .own)
    let items = merge.tagItems
    #expect(items.count == 2)
    #expect(items.allSatisfy { $0.type == .unificationInherit && $0.tags.allSatisfy(\.inherited) })
    #expect(items.first { $0.tags[0].tag == vip }?.tags[0].createdAt == attachedAt)
    #expect(items.first { $0.tags[0].tag == vip }?.members == [.maac(2)])
  }

  @Test("U37: after a split every entity keeps the attachments it had")
  func u37SplitKeepsTags() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A"])
    _ = tagEvent(&harness, 1, vip)
    harness.create(2, ["custom_id": "A"])
    #expect(harness.engine.entities[.maac(2)]?.tags[vip]?.isAttached == true)
    harness.update(2, "custom_id", "B")
    #expect(harness.engine.entities[.maac(2)]?.tags[vip]?.isAttached == true)
    #expect(harness.engine.entities[.maac(2)]?.tags[vip]?.inherited == true)
    #expect(harness.engine.profileTags(of: .maac(2))?.map(\.tag) == [vip])
  }

  @Test("U38: a deleted tag disappears from every member and is never propagated again")
  func u38DeletedTags() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    _ = tagEvent(&harness, 1, vip)
    let deletion = harness.engine.deleteTag(vip, org: harness.org, now: harness.tick())
    #expect(deletion.tagWrites.count == 2)
    #expect(harness.engine.entities[.maac(1)]?.tags[vip] == nil)
    #expect(harness.engine.entities[.maac(2)]?.tags[vip] == nil)
    #expect(tagEvent(&harness, 1, vip).tagItems.isEmpty)
    #expect(harness.engine.profileTags(of: .maac(1))?.isEmpty == true)
  }

  @Test("U43: an older tag change than the stored one is ignored")
  func u43StaleTag() {
    var harness = Harness()
    harness.create(1, [:])
    let late = harness.tick()
    _ = tagEvent(&harness, 1, vip, attached: true, at: late)
    let stale = tagEvent(&harness, 1, vip, attached: false, at: late.adding(microseconds: -5))
    #expect(stale.staleChanges == 1)
    #expect(harness.engine.entities[.maac(1)]?.tags[vip]?.isAttached == true)
  }
}
