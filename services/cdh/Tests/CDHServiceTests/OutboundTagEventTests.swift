import CDHDomain
import MAACContracts
import Testing

@testable import CdhService

/// What CDH publishes on `cdh.member_tag.v1` when one unify scope holds several organizations.
@Suite("Outbound tag events")
struct OutboundTagEventTests {
  @Test(
    "U35, tags.md T23: a tag propagated across a scope holding two MAAC organizations is published once per organization, each message naming only that organization's members"
  )
  func onePerOrganization() throws {
    var engine = UnificationEngine()
    let (first, second) = (OrgRef(100), OrgRef(200))
    var seconds: Int64 = 1_700_000_000
    func tick() -> Instant {
      seconds += 1
      return .seconds(seconds)
    }
    let start = tick()
    _ = engine.ensureScope(for: first, now: start, info: OrgInfo(org: first, orgUUID: "shared"))
    _ = engine.ensureScope(for: second, now: start, info: OrgInfo(org: second, orgUUID: "shared"))
    for (id, org) in [(1, first), (2, second), (3, first)] as [(Int64, OrgRef)] {
      let now = tick()
      _ = engine.apply(
        EntityEvent(
          eventID: id, kind: .created, member: .maac(id), org: org, occurredAt: now,
          origin: .channel, actor: "test",
          state: InboundEntityState(channelType: "line", channelID: 11, reachable: true),
          changes: [
            InboundAttributeChange(
              attribute: "custom_id", newValue: "C", sourceTimestamp: now, origin: .channel)
          ]),
        now: now)
    }
    let (affected, _) = try engine.connect(
      org: first, keys: try UnifyKeySet.validate([.customID]), actor: .system, now: tick())
    _ = engine.reunify(
      scopeIDs: affected, type: .unifyScopeSettingUpdate, correlationID: "connect", now: tick())
    #expect(engine.orgScope[first] == engine.orgScope[second])

    let now = tick()
    let changes = engine.apply(
      TagEvent(
        eventID: 10, org: first, member: .maac(1), tag: TagKey(.maac, 11), tagName: "vip",
        isAttached: true, occurredAt: now, isEcho: false),
      now: now)
    #expect(changes.tagItems.count == 1)
    let events = OutboundEventBuilder.tagEvents(changes.tagItems, engine: engine, now: now)
    #expect(events.map(\.organizationID) == [100, 200])
    let members = try events.map { event in
      let message = try #require(event.payload as? Maac_Cdh_V1_MemberTagPropagated)
      return message.events.flatMap(\.unifiedChannelEntities).map(\.memberID).sorted()
    }
    #expect(members == [[1, 3], [2]])
  }
}
