import Foundation
import Testing

@testable import TagsDomain

@Suite("Tag definitions")
struct TagDefinitionTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func tag(_ id: Int64, _ source: TagSource = .maac, name: String = "VIP") -> TagDefinition {
    TagDefinition(
      key: TagKey(id: id, source: source), organizationID: 7, name: name,
      createdVia: source == .maac ? .maac : .caac, createdAt: now)
  }

  @Test("T2: an active tag with the same name and source is TAG_NAME_EXISTS with its id")
  func duplicateName() throws {
    let name = try TagName(validating: "VIP")
    do {
      try TagNamePolicy.check(
        name: name, sameSource: TagKey(id: 42), caacHolder: nil, organizationIsCDHLinked: false)
      Issue.record("duplicate accepted")
    } catch {
      #expect(error.kind == .alreadyExists)
      #expect(error.reason == "TAG_NAME_EXISTS")
      #expect(error.metadata["existing_tag_id"] == "42")
      #expect(error.message == "name: a tag named \"VIP\" already exists (tag_id 42)")
    }
    try TagNamePolicy.check(
      name: name, sameSource: nil, caacHolder: nil, organizationIsCDHLinked: false)
  }

  @Test("T3: maac and caac may share a name unless the org is linked to CDH")
  func otherSourceName() throws {
    let name = try TagName(validating: "VIP")
    try TagNamePolicy.check(
      name: name, sameSource: nil, caacHolder: TagKey(id: 9, source: .caac),
      organizationIsCDHLinked: false)
    do {
      try TagNamePolicy.check(
        name: name, sameSource: nil, caacHolder: TagKey(id: 9, source: .caac),
        organizationIsCDHLinked: true)
      Issue.record("accepted")
    } catch {
      #expect(error.reason == "TAG_NAME_EXISTS_OTHER_SOURCE")
      #expect(error.kind == .alreadyExists)
    }
  }

  @Test("T4: a rename keeps identity and bumps the version; same name is no change")
  func renameKeepsIdentity() throws {
    var definition = tag(5)
    let later = now.addingTimeInterval(60)
    let old = try definition.update(name: TagName(validating: "VIP 2026"), expiry: nil, at: later)
    #expect(old == "VIP")
    #expect(definition.key == TagKey(id: 5))
    #expect(definition.name == "VIP 2026")
    #expect(definition.version == 2)
    #expect(definition.updatedAt == later)
    let none = try definition.update(name: TagName(validating: "VIP 2026"), expiry: nil, at: later)
    #expect(none == nil)
    #expect(definition.version == 2)
  }

  @Test("T4: expected_version mismatch is VERSION_CONFLICT")
  func versionConflict() throws {
    let definition = tag(5)
    try definition.requireVersion(nil)
    try definition.requireVersion(1)
    do {
      try definition.requireVersion(3)
      Issue.record("stale version accepted")
    } catch {
      #expect(error.reason == "VERSION_CONFLICT")
      #expect(error.field == "expected_version")
      #expect(error.message == "expected_version: tag is at version 1, not 3")
    }
  }

  @Test("T7: caac definitions cannot be changed in MAAC; caac creation is refused")
  func caacReadOnly() throws {
    var caac = tag(5, .caac)
    do {
      _ = try caac.update(name: TagName(validating: "x"), expiry: nil, at: now)
      Issue.record("caac rename accepted")
    } catch {
      #expect(error.reason == "TAG_MANAGED_BY_OTHER_SOURCE")
      #expect(error.kind == .failedPrecondition)
      #expect(error.message == "tag 5 is managed by caac and cannot be changed in MAAC")
    }
    #expect(throws: TagRuleViolation.self) { try caac.requireManagedByMAAC() }
    #expect(throws: TagRuleViolation.self) { try TagNamePolicy.creationSource(for: .caac) }
    #expect(try TagNamePolicy.creationSource(for: nil) == .maac)
    #expect(try TagNamePolicy.creationSource(for: .api) == .api)
  }

  @Test("T4: ids of maac and caac tags are distinct identities even when equal")
  func identityIncludesSource() {
    #expect(TagKey(id: 1, source: .maac) != TagKey(id: 1, source: .caac))
    #expect(TagKey(id: 1) == TagKey(id: 1, source: .maac))
  }

  @Test("T28: the 100,000th active tag is the last one an org may hold")
  func tagLimit() throws {
    try TagNamePolicy.checkLimit(activeTags: 99_999)
    do {
      try TagNamePolicy.checkLimit(activeTags: 100_000)
      Issue.record("limit ignored")
    } catch {
      #expect(error.reason == "TAG_LIMIT_REACHED")
      #expect(error.kind == .resourceExhausted)
    }
  }

  @Test("T14: a deleted tag reports status deleted, an absolute-expired one expired")
  func status() {
    var definition = tag(5)
    #expect(definition.status(at: now) == .active)
    definition.expiry = .absolute(expireAt: now.addingTimeInterval(10))
    #expect(definition.status(at: now) == .active)
    #expect(definition.status(at: now.addingTimeInterval(10)) == .expired)
    definition.deletedAt = now
    #expect(definition.status(at: now.addingTimeInterval(10)) == .deleted)
  }

  @Test("T27: a missing tag error names the id and source and is NOT_FOUND")
  func notFound() {
    let error = TagDefinition.notFound(TagKey(id: 3, source: .caac))
    #expect(error.kind == .notFound)
    #expect(error.reason == "TAG_NOT_FOUND")
    #expect(error.message == "tag 3 (source caac) not found")
  }
}
