import Foundation
import Testing

@testable import TagsDomain

@Suite("Expiry")
struct ExpiryTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func reason(_ body: () throws(TagRuleViolation) -> Expiry) -> (String, String)? {
    do {
      _ = try body()
      return nil
    } catch {
      return (error.reason, error.field)
    }
  }

  @Test("T20: relative ttl_days must be 1...3650")
  func relativeRange() throws {
    #expect(
      try Expiry.validated(mode: .relative, ttlDays: 1, expireAt: nil, now: now)
        == .relative(ttlDays: 1))
    #expect(
      try Expiry.validated(mode: .relative, ttlDays: 3650, expireAt: nil, now: now)
        == .relative(ttlDays: 3650))
    for bad in [0, -1, 3651] {
      let failure = reason { () throws(TagRuleViolation) in
        try Expiry.validated(mode: .relative, ttlDays: bad, expireAt: nil, now: now)
      }
      #expect(failure?.0 == "INVALID_EXPIRY")
      #expect(failure?.1 == "expiry.ttl_days")
    }
  }

  @Test("T20: absolute expire_at must be present and in the future")
  func absoluteFuture() throws {
    let future = now.addingTimeInterval(3600)
    #expect(
      try Expiry.validated(mode: .absolute, ttlDays: 0, expireAt: future, now: now)
        == .absolute(expireAt: future))
    for bad in [nil, now, now.addingTimeInterval(-1)] {
      let failure = reason { () throws(TagRuleViolation) in
        try Expiry.validated(mode: .absolute, ttlDays: 0, expireAt: bad, now: now)
      }
      #expect(failure?.0 == "INVALID_EXPIRY")
      #expect(failure?.1 == "expiry.expire_at")
    }
  }

  @Test("T20: fields of the other mode are refused; unspecified with nothing set is none")
  func otherModeFields() throws {
    #expect(try Expiry.validated(mode: .unspecified, ttlDays: 0, expireAt: nil, now: now) == .none)
    #expect(
      reason { () throws(TagRuleViolation) in
        try Expiry.validated(
          mode: .relative, ttlDays: 3, expireAt: now.addingTimeInterval(9), now: now)
      }?.1 == "expiry.expire_at")
    #expect(
      reason { () throws(TagRuleViolation) in
        try Expiry.validated(
          mode: .absolute, ttlDays: 3, expireAt: now.addingTimeInterval(9), now: now)
      }?.1 == "expiry.ttl_days")
    #expect(
      reason { () throws(TagRuleViolation) in
        try Expiry.validated(mode: .none, ttlDays: 3, expireAt: nil, now: now)
      }?.1 == "expiry.ttl_days")
  }

  @Test("T20: relative expiry counts from the last application; re-applying extends it")
  func relativeExtends() {
    let expiry = Expiry.relative(ttlDays: 2)
    let first = TagApplication(
      contactID: 1, tag: TagKey(id: 1), taggedVia: .manual, recordedAt: now)
    let (row, _) = ContactTagAssociation.applying(first, to: nil, expiry: expiry)
    #expect(row.expiresAt == now.addingTimeInterval(2 * 86_400))
    let later = now.addingTimeInterval(86_400)
    let again = TagApplication(
      contactID: 1, tag: TagKey(id: 1), taggedVia: .manual, recordedAt: later)
    let (extended, outcome) = ContactTagAssociation.applying(again, to: row, expiry: expiry)
    #expect(outcome == .reapplied)
    #expect(extended.expiresAt == later.addingTimeInterval(2 * 86_400))
  }

  @Test("T20: expired associations are hidden at once, before any sweep")
  func hiddenAtOnce() {
    let row = ContactTagAssociation(
      contactID: 1, tag: TagKey(id: 1), firstTaggedAt: now, firstTaggedVia: .manual,
      expiresAt: now.addingTimeInterval(5))
    #expect(row.isActive(at: now.addingTimeInterval(4.999)))
    #expect(!row.isActive(at: now.addingTimeInterval(5)))
    let listed = ContactTagListing.entries(
      from: [row], includeInherited: true, at: now.addingTimeInterval(5))
    #expect(listed.isEmpty)
  }

  @Test("T20: an absolute expiry ends every association at expire_at and skips new applications")
  func absoluteSkips() {
    let end = now.addingTimeInterval(100)
    let tag = TagDefinition(
      key: TagKey(id: 3), organizationID: 1, name: "Sale", createdVia: .maac,
      expiry: .absolute(expireAt: end), createdAt: now)
    #expect(Expiry.absolute(expireAt: end).associationExpiry(lastTaggedAt: now) == end)
    #expect(AttachPreflight.decide(.live(tag), taggedVia: .manual, at: now) == .apply(tag))
    #expect(
      AttachPreflight.decide(.live(tag), taggedVia: .manual, at: end)
        == .refuse(.skippedTagExpired))
  }

  @Test("T20: an expired row that was not swept yet is re-attached as a new period")
  func expiredRowStartsNewPeriod() {
    let old = ContactTagAssociation(
      contactID: 1, tag: TagKey(id: 1), firstTaggedAt: now, tagCount: 4, firstTaggedVia: .manual,
      expiresAt: now.addingTimeInterval(10))
    let later = now.addingTimeInterval(20)
    let application = TagApplication(
      contactID: 1, tag: TagKey(id: 1), taggedVia: .journey, recordedAt: later)
    let (row, outcome) = ContactTagAssociation.applying(
      application, to: old, expiry: .relative(ttlDays: 1))
    #expect(outcome == .attached)
    #expect(row.firstTaggedAt == later)
    #expect(row.tagCount == 1)
  }
}
