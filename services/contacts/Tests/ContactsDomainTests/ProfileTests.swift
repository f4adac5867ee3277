import ContactsDomain
import Foundation
import Testing

@Suite("Names, binding, CDH interplay, history, deletion")
struct ProfileTests {
  @Test(
    "C45: display name, else original name, else Synchronizing while syncing, else Unnamed Contact")
  func resolvedName() {
    #expect(
      ResolvedName.resolve(displayName: "D", originalName: "O", syncState: .synced)
        == .init(name: "D", source: .displayName))
    #expect(
      ResolvedName.resolve(displayName: nil, originalName: "O", syncState: .synced)
        == .init(name: "O", source: .originalName))
    #expect(
      ResolvedName.resolve(displayName: "", originalName: "O", syncState: .synced).source
        == .originalName)
    #expect(
      ResolvedName.resolve(displayName: nil, originalName: nil, syncState: .syncing).name
        == "Synchronizing")
    #expect(
      ResolvedName.resolve(displayName: nil, originalName: nil, syncState: .unavailable).name
        == "Unnamed Contact")
    #expect(
      ResolvedName.resolve(displayName: nil, originalName: nil, syncState: .notApplicable).source
        == .placeholderUnnamed)
  }

  @Test(
    "C45, C46: setting display_name never changes original_name; clearing it shows the original again"
  )
  func displayVersusOriginal() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.originalName = "LINE name"
    let set = try ContactEditor.apply(
      .init(displayName: "Brand name"), mask: ["display_name"], to: contact, context: .init())
    #expect(set.contact.originalName == "LINE name")
    #expect(set.contact.resolvedName.name == "Brand name")
    let cleared = try ContactEditor.apply(
      .init(), mask: ["display_name"], to: set.contact, context: .init())
    #expect(cleared.contact.resolvedName == .init(name: "LINE name", source: .originalName))
    #expect(
      Fixture.domainError {
        _ = try ContactEditor.apply(.init(), mask: ["original_name"], to: contact, context: .init())
      }?
      .reason == .readOnlyField)
  }

  @Test("C47: bound exactly when customer_id is non-empty")
  func bound() {
    var contact = Fixture.contact(.line, id: 1)
    #expect(!contact.isBound)
    contact.customerID = ""
    #expect(!contact.isBound)
    contact.customerID = "C"
    #expect(contact.isBound)
  }

  @Test(
    "C48: bind sets, unbind clears; binding the same value or unbinding an unbound contact is a no-op"
  )
  func bindUnbind() {
    let contact = Fixture.contact(.line, id: 1)
    let bound = BindingRules.bind("C-1", to: contact, at: Fixture.now)
    #expect(bound?.customerID == "C-1")
    #expect(BindingRules.bind("C-1", to: bound!, at: Fixture.now) == nil)
    let unbound = BindingRules.unbind(bound!, at: Fixture.now)
    #expect(unbound?.customerID == nil)
    #expect(BindingRules.unbind(contact, at: Fixture.now) == nil)
  }

  @Test(
    "C50: a bind after an unbind applies normally and its change carries custom_id with before/after"
  )
  func laterBind() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.customerID = "C-1"
    let unbound = try #require(BindingRules.unbind(contact, at: Fixture.now))
    let rebound = try #require(BindingRules.bind("C-2", to: unbound, at: Fixture.now))
    let changes = AttributeChange.between(unbound, rebound)
    #expect(changes == [AttributeChange(attribute: .customID, previousValue: nil, newValue: "C-2")])
  }

  @Test(
    "C69: interactive unify-key writes and contact-level clears act on the person (through CDH); others are local"
  )
  func profileAuthority() throws {
    let contact = Fixture.contact(.line, id: 1)
    func edit(_ input: ContactFieldsInput, _ mask: [String]) throws -> ContactEdit {
      try ContactEditor.apply(input, mask: mask, to: contact, context: .init(defaultCountry: "TW"))
    }
    #expect(try edit(.init(customerID: "C"), ["customer_id"]).requiresProfileAuthority)
    #expect(
      try edit(.init(displayMobile: "0912345678"), ["display_mobile"]).requiresProfileAuthority)
    #expect(try edit(.init(displayEmail: "a@b.co"), ["display_email"]).requiresProfileAuthority)
    #expect(try edit(.init(connectID: "x"), ["connect_id"]).requiresProfileAuthority)
    // A clear of a contact-level field.
    #expect(try edit(.init(), ["city"]).requiresProfileAuthority)
    #expect(try !edit(.init(city: "Taipei"), ["city"]).requiresProfileAuthority)
    #expect(try !edit(.init(note: "n"), ["note"]).requiresProfileAuthority)
    #expect(try !edit(.init(), ["note"]).requiresProfileAuthority)  // note is entity-level
  }

  @Test(
    "C49: a stale broadcast version is ignored; a field older than the last local change is not applied"
  )
  func staleBroadcast() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.cdhVersion = 5
    contact.city = "Local"
    let stale = ProfileBroadcast(eventID: 1, version: 5, fields: ["city": "CDH"])
    #expect(stale.apply(to: contact, localClocks: [:], now: Fixture.now) == nil)
    let t0 = Fixture.now
    let item = ProfileBroadcast(
      eventID: 2, version: 6, fields: ["city": "CDH city", "company": "CDH co"],
      provenance: ["city": t0.addingTimeInterval(-10), "company": t0.addingTimeInterval(10)])
    let applied = try #require(
      item.apply(to: contact, localClocks: ["city": t0, "company": t0], now: Fixture.now))
    #expect(applied.city == "Local")
    #expect(applied.company == "CDH co")
    #expect(applied.cdhVersion == 6)
  }

  @Test(
    "C70: broadcasts copy contact-level values only — never primary keys, originals, statuses or note"
  )
  func broadcastScope() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.note = "mine"
    contact.lineFollowStatus = .following
    let item = ProfileBroadcast(
      eventID: 3, version: 1,
      fields: [
        "display_name": "Merged", "custom_id": "C-7", "gender": "female", "birthday": "1990-01-02",
        "custom_fields.customized_field_1": "Gold", "note": "theirs", "line_uid": Fixture.uid(9),
        "original_name": "x", "channel_status": "blocked", "engagement_level": "lv5",
      ], clearedFields: ["company"])
    contact.company = "Old"
    let applied = try #require(item.apply(to: contact, localClocks: [:], now: Fixture.now))
    #expect(applied.displayName == "Merged")
    #expect(applied.customerID == "C-7")
    #expect(applied.gender.resolved.gender == .female)
    #expect(applied.birthday == CalendarDate(year: 1990, month: 1, day: 2))
    #expect(applied.customFields["customized_field_1"] == "Gold")
    #expect(applied.company == nil)
    #expect(applied.note == "mine")
    #expect(applied.externalID == contact.externalID)
    #expect(applied.originalName == nil)
    #expect(applied.lineFollowStatus == .following)
    #expect(applied.engagementLevel == .lv1)
  }

  @Test("C13: a note is never overwritten by CDH")
  func noteNeverMerged() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.note = "private"
    let applied = try #require(
      ProfileBroadcast(eventID: 1, version: 1, fields: [:], clearedFields: ["note"]).apply(
        to: contact, localClocks: [:], now: Fixture.now))
    #expect(applied.note == "private")
  }

  @Test(
    "C68: changes list before/after per attribute with CDH names; creation lists every non-empty attribute"
  )
  func attributeChanges() throws {
    var before = Fixture.contact(.line, id: 1)
    before.displayName = "A"
    var after = before
    after.displayName = "B"
    after.customerID = "C-1"
    after.customFields = ["k": "v"]
    after.lineFollowStatus = .following
    let changes = AttributeChange.between(before, after)
    #expect(changes.contains(.init(attribute: .displayName, previousValue: "A", newValue: "B")))
    #expect(changes.contains(.init(attribute: .customID, previousValue: nil, newValue: "C-1")))
    #expect(
      changes.contains(.init(attribute: .customField("k"), previousValue: nil, newValue: "v")))
    #expect(
      changes.contains(
        .init(attribute: .channelStatus, previousValue: "unknown", newValue: "following")))
    #expect(
      changes.contains(.init(attribute: .reachable, previousValue: "false", newValue: "true")))
    #expect(AttributeChange.between(before, before).isEmpty)
    let created = AttributeChange.between(nil, before)
    #expect(
      created.contains(.init(attribute: .lineUID, previousValue: nil, newValue: before.externalID)))
    #expect(created.allSatisfy { $0.newValue != nil && $0.previousValue == nil })
  }

  @Test(
    "C74: history has one entry per field change and a status:<channel> entry per status transition"
  )
  func history() {
    var before = Fixture.contact(.email, id: 4)
    before.emailStatus = .subscribed
    var after = before
    after.emailStatus = .unsubscribed
    after.displayName = "Amy"
    let cause = ChangeCause(origin: .user, actor: "9001", correlationID: "req-1")
    let entries = HistoryEntry.entries(
      for: AttributeChange.between(before, after), contact: after, at: Fixture.now, cause: cause)
    #expect(Set(entries.map(\.field)) == ["display_name", "status:email"])
    let status = entries.first { $0.field == "status:email" }
    #expect(status?.previousValue == "subscribed")
    #expect(status?.newValue == "unsubscribed")
    #expect(status?.cause == cause)
    #expect(entries.allSatisfy { $0.contactID == 4 })
  }

  @Test("C76: deleting soft-deletes once; deleting a deleted contact is a no-op")
  func deletion() throws {
    let contact = Fixture.contact(.line, id: 1)
    let deleted = try #require(DeletionRules.delete(contact, at: Fixture.now))
    #expect(deleted.deletedAt == Fixture.now)
    #expect(DeletionRules.delete(deleted, at: Fixture.now) == nil)
    // A deleted contact is no longer an import candidate: its key is free for a new contact.
    let (_, plan) = try Fixture.plan(
      "line_uid\n\(contact.externalID)\n", target: .line, key: .lineUID, existing: [deleted])
    #expect(plan.rows[0].outcome == .created)
  }

  @Test("C16: engagement level is written only by SetSystemAttributes")
  func engagementLevel() {
    let contact = Fixture.contact(.line, id: 1)
    #expect(contact.engagementLevel == .lv1)
    #expect(
      SystemAttributes.apply(
        engagementLevel: .lv4, predictedGender: nil, to: contact, now: Fixture.now
      ).engagementLevel == .lv4)
  }
}
