import CDHDomain
import Testing

@Suite("Profile-level writes, unmerge and undo")
struct ProfileWriteTests {
  @Test("U27: a profile-level set overwrites every member and may merge via a key")
  func u27SetOverwritesAll() throws {
    var harness = Harness(keys: [.customID, .connectID])
    harness.create(1, ["custom_id": "A", "city": "X"])
    harness.create(2, ["custom_id": "A"])
    harness.create(3, ["connect_id": "K"])
    let now = harness.tick()
    let changes = try harness.engine.updateProfile(
      member: .maac(2), updates: [.set("city", "Tainan"), .set("connect_id", "K")],
      actor: Actor(type: "user", id: "42"), correlationID: "req-1", now: now)
    #expect(harness.value(1, "city") == "Tainan")
    #expect(harness.value(2, "city") == "Tainan")
    #expect(harness.engine.entities[.maac(1)]?.attributes["city"]?.origin == .profileUpdate)
    #expect(harness.members(1) == [1, 2, 3])
    #expect(changes.profileItems.last?.type == .profileUpdate)
    #expect(
      changes.audit.filter { $0.eventType == .profileUpdated && $0.attribute == "city" }.count == 2)
  }

  @Test("U28: a profile-level clear erases the field on every member")
  func u28ClearErasesAll() throws {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A", "company": "One"])
    harness.create(2, ["custom_id": "A", "company": "Two"])
    _ = try harness.engine.updateProfile(
      member: .maac(1), updates: [.clear("company")], actor: .system, correlationID: "c",
      now: harness.tick())
    #expect(harness.merged(1, "company") == nil)
    #expect(harness.value(2, "company") == nil)
  }

  @Test("U29: an entity-level clear does not clear the person and re-syncs the cleared member")
  func u29EntityClear() {
    var harness = Harness(keys: [.connectID])
    harness.create(1, ["connect_id": "K", "custom_id": "CID-1"])
    harness.create(2, ["connect_id": "K", "custom_id": "CID-1"])
    let changes = harness.update(2, "custom_id", nil)
    #expect(harness.merged(2, "custom_id") == "CID-1")
    #expect(changes.profileItems.count == 1)
    #expect(changes.profileItems[0].members.contains(.maac(2)))
  }

  @Test("U30: only contact-level fields are editable, values are validated")
  func u30Editable() throws {
    var harness = Harness()
    harness.create(1, [:])
    func failure(_ updates: [ProfileFieldUpdate]) -> DomainError? {
      var engine = harness.engine
      return #expect(throws: DomainError.self) {
        _ = try engine.updateProfile(
          member: .maac(1), updates: updates, actor: .system, correlationID: "", now: .seconds(1))
      }
    }
    #expect(failure([])?.message == "no field updates given")
    #expect(failure([.set("city", "a"), .set("city", "b")])?.message == "duplicate field: city")
    #expect(failure([.set("shoe_size", "9")])?.message == "unknown profile field: shoe_size")
    #expect(
      failure([.set("line_uid", "U")])?.message
        == "field is not editable at profile level: line_uid")
    #expect(failure([.set("age", "3")])?.message == "field is not editable at profile level: age")
    #expect(
      failure([.set("birthday", "2001-02-29")])?.message
        == "invalid value for birthday: not a YYYY-MM-DD date from 1900")
    #expect(failure([.set("display_mobile", "12")])?.field == "updates[0].set_value")
    #expect(
      failure([.set("display_email", "no-at")])?.message
        == "invalid value for display_email: not an e-mail address")
    #expect(failure([.set("city", "  ")])?.message == "invalid value for city: empty")
    #expect(
      failure([.set("gender", "robot")])?.message == "invalid value for gender: unknown gender")
    _ = try harness.engine.updateProfile(
      member: .maac(1),
      updates: [
        .set("display_mobile", "0912 345 678"), .set("gender", "Other"),
        .set("custom_fields.tier", "gold"),
      ],
      actor: .system, correlationID: "", now: harness.tick())
    #expect(harness.value(1, "display_mobile") == "+886912345678")
    #expect(harness.value(1, "gender") == "others")
    let missing = #expect(throws: DomainError.self) {
      _ = try harness.engine.updateProfile(
        member: .maac(999), updates: [.set("city", "x")], actor: .system, correlationID: "",
        now: .seconds(1))
    }
    #expect(missing?.kind == .notFound)
  }

  @Test("U31: unmerge clears the four keys on that entity only and keeps the other fields")
  func u31Unmerge() throws {
    var harness = Harness(keys: [.customID, .displayEmail])
    harness.create(
      1, ["custom_id": "A", "display_email": "a@x.com", "line_uid": "U1", "city": "X"])
    harness.create(2, ["custom_id": "A", "company": "Acme"])
    let (outcome, changes) = try harness.engine.unmerge(
      member: .maac(1), actor: .system, correlationID: "u", now: harness.tick())
    #expect(Set(outcome.clearedAttributes) == [.customID, .displayEmail])
    #expect(outcome.membersAfter == [.maac(1)])
    #expect(!outcome.stillUnified)
    #expect(harness.value(1, "line_uid") == "U1")
    #expect(harness.value(1, "custom_id") == nil)
    #expect(harness.value(2, "custom_id") == "A")
    #expect(harness.merged(1, "company") == "Acme")
    #expect(changes.audit.contains { $0.eventType == .unmerged })
    #expect(changes.profileItems.allSatisfy { $0.type == .unmerge })
    let alone = #expect(throws: DomainError.self) {
      _ = try harness.engine.unmerge(
        member: .maac(1), actor: .system, correlationID: "", now: .seconds(1))
    }
    #expect(alone?.kind == .failedPrecondition)
    #expect(alone?.message == "member is not unified with any other member")
  }

  @Test("U31: a member still linked through line_uid reports still_unified")
  func u31StillUnified() throws {
    var harness = Harness(keys: [.lineUID, .customID])
    harness.create(1, ["line_uid": "U", "custom_id": "A"])
    harness.create(2, ["line_uid": "U"])
    let (outcome, _) = try harness.engine.unmerge(
      member: .maac(1), actor: .system, correlationID: "", now: harness.tick())
    #expect(outcome.stillUnified)
    #expect(outcome.membersAfter == [.maac(1), .maac(2)])
  }

  @Test("U32: moving to another profile is unmerge followed by setting a key")
  func u32MoveByUnmergeAndSet() throws {
    var harness = Harness(keys: [.customID, .connectID])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    harness.create(3, ["connect_id": "T"])
    _ = try harness.engine.unmerge(
      member: .maac(2), actor: .system, correlationID: "", now: harness.tick())
    _ = try harness.engine.updateProfile(
      member: .maac(2), updates: [.set("connect_id", "T")], actor: .system, correlationID: "",
      now: harness.tick())
    #expect(harness.members(2) == [2, 3])
    #expect(harness.members(1) == [1])
  }

  @Test("U33: there is no automatic undo — a merge stays until a split is caused")
  func u33NoUndo() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": "A"])
    harness.create(2, ["custom_id": "A"])
    // Re-running the job changes nothing: merges are only undone by U31/U32 or settings.
    harness.setKeys([.customID])
    #expect(harness.members(1) == [1, 2])
    harness.setKeys([])
    #expect(harness.members(1) == [1])
  }

  @Test("U39: with custom_id as key, different LINE users sharing a CID are one person")
  func u39CustomIDKey() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["line_uid": "U1", "custom_id": "CID"])
    harness.create(2, ["line_uid": "U2", "custom_id": "CID"])
    #expect(harness.members(1) == [1, 2])
    harness.update(1, "company", "Shared")
    #expect(harness.merged(2, "company") == "Shared")
    harness.update(2, "custom_id", "OTHER")
    #expect(harness.members(1) == [1])
  }
}
