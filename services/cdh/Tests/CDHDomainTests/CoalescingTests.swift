import CDHDomain
import Testing

@Suite("Merged profile")
struct CoalescingTests {
  func entity(
    _ id: Int64, _ values: [String: (String?, Int64)], arrived: Int64 = 0, reachable: Bool = false
  )
    -> ChannelEntity
  {
    var entity = ChannelEntity(member: .maac(id), org: OrgRef(1), scopeID: 1, reachable: reachable)
    for (field, (value, at)) in values {
      entity.attributes[field] = AttributeValue(
        value: value, sourceTimestamp: .seconds(at),
        arrivedTimestamp: .seconds(arrived == 0 ? at : arrived),
        origin: .user)
    }
    return entity
  }

  @Test("U21: newest non-empty value wins; an empty value never beats an older real one")
  func u21Coalescing() {
    let view = ProfileCoalescer.view(of: [
      entity(1, ["city": ("Old", 10), "company": ("Acme", 10), "customized_field_1": (nil, 1)]),
      entity(2, ["city": ("New", 20), "company": (nil, 30), "custom_fields.tier": ("gold", 5)]),
    ])
    #expect(view.value("city") == "New")
    #expect(view.fields["city"]?.member == .maac(2))
    #expect(view.value("company") == "Acme")
    #expect(view.value("custom_fields.tier") == "gold")
    #expect(view.value("full_name") == nil)
  }

  @Test(
    "U21, contacts C49: a field every member cleared is broadcast with its newest clear's time and member; a field someone holds or nobody set has none"
  )
  func clearsCarryTheirTime() {
    let members = [
      entity(1, ["city": (nil, 20), "company": (nil, 50), "address": (nil, 10)]),
      entity(2, ["city": (nil, 30), "company": ("Acme", 10), "display_name": ("Ann", 5)]),
    ]
    let view = ProfileCoalescer.view(of: members)
    let clears = ProfileCoalescer.clears(of: members, view: view)
    #expect(clears["city"]?.sourceTimestamp == .seconds(30))
    #expect(clears["city"]?.member == .maac(2))
    #expect(clears["address"]?.sourceTimestamp == .seconds(10))
    #expect(clears["company"] == nil)
    #expect(clears["display_name"] == nil)
    #expect(clears["full_name"] == nil)
    #expect(Set(clears.keys) == ["city", "address"])

    // Through the engine: a clear made by a member reaches the published item.
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "C1", "city": "Taipei"])
    harness.create(2, ["custom_id": "C1"])
    let changes = harness.update(1, "city", nil, sourceTimestamp: .seconds(1_800_000_000))
    let item = changes.profileItems.last
    #expect(item?.view.fields["city"] == nil)
    #expect(item?.clears["city"]?.sourceTimestamp == .seconds(1_800_000_000))
    #expect(item?.clears["city"]?.member == .maac(1))
  }

  @Test("U22: ties go to the later arrival, then to the smallest member")
  func u22Ties() {
    let byArrival = ProfileCoalescer.view(of: [
      entity(1, ["city": ("A", 10)], arrived: 50),
      entity(2, ["city": ("B", 10)], arrived: 40),
    ])
    #expect(byArrival.value("city") == "A")
    let byMember = ProfileCoalescer.view(of: [
      entity(3, ["city": ("C", 10)], arrived: 40),
      entity(2, ["city": ("B", 10)], arrived: 40),
    ])
    #expect(byMember.value("city") == "B")
  }

  @Test("U23: entity-level fields are never merged")
  func u23EntityLevel() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A", "avatar_url": "http://a", "line_uid": "U1", "note": "n1"])
    harness.create(2, ["custom_id": "A", "avatar_url": "http://b", "line_uid": "U2"])
    let view = harness.engine.profile(of: .maac(1))!.view
    for field in ["avatar_url", "line_uid", "note", "original_name"] {
      #expect(view.value(field) == nil)
    }
    #expect(harness.value(1, "avatar_url") == "http://a")
    #expect(harness.value(2, "line_uid") == "U2")
  }

  @Test("U24: effective display name is the profile's display_name, else the newest original_name")
  func u24DisplayName() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A", "original_name": "LineName"])
    harness.create(2, ["custom_id": "A", "original_name": "NewerName"])
    #expect(harness.engine.profile(of: .maac(1))?.view.effectiveDisplayName == "NewerName")
    harness.update(1, "display_name", "Chosen")
    #expect(harness.engine.profile(of: .maac(2))?.view.effectiveDisplayName == "Chosen")
    let empty = ProfileCoalescer.view(of: [entity(5, [:])])
    #expect(empty.effectiveDisplayName == nil)
  }

  @Test("U25: age, member_status and contact_status are derived")
  func u25Derived() {
    let view = ProfileCoalescer.view(of: [
      entity(1, ["birthday": ("2000-06-15", 1), "custom_id": ("C", 1)], reachable: false),
      entity(2, [:], reachable: true),
    ])
    #expect(view.age(today: "2026-06-14") == 25)
    #expect(view.age(today: "2026-06-15") == 26)
    #expect(view.memberStatus)
    #expect(view.contactStatus == "active")
    #expect(ProfileField.age(birthday: "2999-01-01", today: "2026-01-01") == nil)
    #expect(ProfileField.age(birthday: nil, today: "2026-01-01") == nil)
    let lone = ProfileCoalescer.view(of: [entity(3, [:])])
    #expect(!lone.memberStatus)
    #expect(lone.contactStatus == "inactive")
  }

  @Test("U26: a split materialises the pre-split non-key values on every member, never the keys")
  func u26SplitKeepsState() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A", "city": "Taipei"])
    harness.create(2, ["custom_id": "A", "company": "Acme", "display_email": "b@x.com"])
    #expect(harness.merged(1, "company") == "Acme")
    let changes = harness.update(2, "custom_id", "B")
    #expect(harness.members(1) == [1])
    #expect(harness.merged(1, "company") == "Acme")
    #expect(harness.merged(2, "city") == "Taipei")
    #expect(harness.engine.entities[.maac(1)]?.attributes["company"]?.origin == .cdh)
    // Keys are never materialised.
    #expect(harness.value(1, "display_email") == nil)
    let entry = changes.audit.first { $0.eventType == .unificationChanged && $0.member == .maac(1) }
    #expect(entry?.details["materialised_fields"] == "company")
    // Materialisation writes no attribute_changed entries.
    #expect(
      !changes.audit.contains { $0.eventType == .attributeChanged && $0.attribute == "company" })
  }
}
