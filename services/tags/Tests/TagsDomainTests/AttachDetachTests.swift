import Foundation
import Testing

@testable import TagsDomain

@Suite("Attach and detach")
struct AttachDetachTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)
  let key = TagKey(id: 10)

  func application(at time: Date, via: TaggedVia = .manual, occurred: Date? = nil)
    -> TagApplication
  {
    TagApplication(
      contactID: 1, tag: key, taggedVia: via, ref: TagRef(kind: "deep_link", id: "995058"),
      occurredAt: occurred, recordedAt: time)
  }

  @Test("T8: the first application attaches with count 1 and first = last = occurred_at")
  func firstApplication() {
    let (row, outcome) = ContactTagAssociation.applying(
      application(at: now), to: nil, expiry: .none)
    #expect(outcome == .attached)
    #expect(row.firstTaggedAt == now)
    #expect(row.lastTaggedAt == now)
    #expect(row.tagCount == 1)
    #expect(row.firstTaggedVia == .manual)
    #expect(row.lastRef == TagRef(kind: "deep_link", id: "995058"))
    #expect(row.expiresAt == nil)
  }

  @Test("T8: re-applying keeps first_tagged_at, moves last forward only, and counts intensity")
  func reapplication() {
    let (first, _) = ContactTagAssociation.applying(application(at: now), to: nil, expiry: .none)
    let later = now.addingTimeInterval(300)
    let (second, outcome) = ContactTagAssociation.applying(
      application(at: later, via: .deepLink), to: first, expiry: .none)
    #expect(outcome == .reapplied)
    #expect(second.firstTaggedAt == now)
    #expect(second.lastTaggedAt == later)
    #expect(second.tagCount == 2)
    #expect(second.firstTaggedVia == .manual)
    #expect(second.lastTaggedVia == .deepLink)
    // A backdated application (internal caller) never moves last_tagged_at backwards.
    let (third, _) = ContactTagAssociation.applying(
      application(at: later, occurred: now.addingTimeInterval(-50)), to: second, expiry: .none)
    #expect(third.lastTaggedAt == later)
    #expect(third.tagCount == 3)
  }

  @Test("T8: unknown tags, deleted tags and expired tags get per-item outcomes")
  func preflight() {
    let live = TagDefinition(
      key: key, organizationID: 1, name: "a", createdVia: .maac, createdAt: now)
    var deleted = live
    deleted.deletedAt = now
    #expect(AttachPreflight.decide(.unknown, taggedVia: .manual, at: now) == .refuse(.tagNotFound))
    #expect(AttachPreflight.decide(.live(live), taggedVia: .manual, at: now) == .apply(live))
    #expect(
      AttachPreflight.decide(
        .deleted(deleted, nameTakenByActiveTag: false), taggedVia: .manual, at: now)
        == .refuse(.tagNotFound))
  }

  @Test(
    "T15: a deleted tag applied through a configured action is restored, unless its name is taken")
  func restoreDeleted() {
    var deleted = TagDefinition(
      key: key, organizationID: 1, name: "a", createdVia: .maac, createdAt: now)
    deleted.deletedAt = now
    for via in [TaggedVia.deepLink, .messageLink, .broadcastClick, .autoReply, .richMenu, .journey]
    {
      #expect(
        AttachPreflight.decide(
          .deleted(deleted, nameTakenByActiveTag: false), taggedVia: via, at: now)
          == .restoreThenApply(deleted))
      #expect(
        AttachPreflight.decide(
          .deleted(deleted, nameTakenByActiveTag: true), taggedVia: via, at: now)
          == .refuse(.tagDeleted))
    }
    for via in [TaggedVia.manual, .bulkUpdate, .import, .openAPI, .cdhSync, .unification] {
      #expect(
        AttachPreflight.decide(
          .deleted(deleted, nameTakenByActiveTag: false), taggedVia: via, at: now)
          == .refuse(.tagNotFound))
    }
  }

  @Test("T8: only service callers may set occurred_at, never more than 5 minutes ahead")
  func occurredAt() throws {
    #expect(
      try AttachRequestRules.occurredAt(requested: nil, callerIsService: false, now: now) == now)
    let past = now.addingTimeInterval(-86_400)
    #expect(
      try AttachRequestRules.occurredAt(requested: past, callerIsService: true, now: now) == past)
    do {
      _ = try AttachRequestRules.occurredAt(requested: past, callerIsService: false, now: now)
      Issue.record("backdating by a user accepted")
    } catch {
      #expect(error.kind == .permissionDenied)
      #expect(error.reason == "BACKDATING_NOT_ALLOWED")
    }
    let ahead = now.addingTimeInterval(301)
    do {
      _ = try AttachRequestRules.occurredAt(requested: ahead, callerIsService: true, now: now)
      Issue.record("future accepted")
    } catch {
      #expect(error.reason == "OCCURRED_AT_IN_FUTURE")
      #expect(error.field == "occurred_at")
    }
    let slightlyAhead = now.addingTimeInterval(300)
    #expect(
      try AttachRequestRules.occurredAt(requested: slightlyAhead, callerIsService: true, now: now)
        == slightlyAhead)
  }

  @Test("T8: tagged_via is required")
  func taggedViaRequired() {
    do {
      _ = try AttachRequestRules.taggedVia(nil)
      Issue.record("accepted")
    } catch {
      #expect(error.reason == "TAGGED_VIA_REQUIRED")
      #expect(error.field == "tagged_via")
    }
  }

  @Test("T28: attach accepts ≤ 1,000 contacts, ≤ 50 tags and ≤ 10,000 pairs, none empty")
  func sizes() throws {
    try AttachRequestRules.checkSizes(contacts: 1_000, tags: 10)
    try AttachRequestRules.checkSizes(contacts: 200, tags: 50)
    let cases: [(Int, Int, String, String)] = [
      (0, 1, "EMPTY_REQUEST", "contact_ids"), (1, 0, "EMPTY_REQUEST", "tag_ids"),
      (1_001, 1, "BATCH_TOO_LARGE", "contact_ids"), (1, 51, "BATCH_TOO_LARGE", "tag_ids"),
      (1_000, 11, "BATCH_TOO_LARGE", "contact_ids"),
    ]
    for (contacts, tags, reason, field) in cases {
      do {
        try AttachRequestRules.checkSizes(contacts: contacts, tags: tags)
        Issue.record("\(contacts)×\(tags) accepted")
      } catch {
        #expect(error.reason == reason)
        #expect(error.field == field)
      }
    }
  }

  @Test("T8: a pair repeated in one request is applied once")
  func distinctPairs() {
    let pairs = AttachRequestRules.pairs(
      contactIDs: [1, 2, 1], tags: [TagKey(id: 5), TagKey(id: 5)])
    #expect(pairs.map(\.0) == [1, 2])
  }

  @Test("T8: an idempotency key repeats within 24 hours only, scoped per operation")
  func idempotency() throws {
    #expect(try IdempotencyPolicy.scopedKey("", operation: "attach") == nil)
    #expect(try IdempotencyPolicy.scopedKey("k1", operation: "attach") == "attach:k1")
    #expect(
      try IdempotencyPolicy.scopedKey("k1", operation: "detach")
        != IdempotencyPolicy.scopedKey("k1", operation: "attach"))
    #expect(IdempotencyPolicy.isDuplicate(recordedAt: now, now: now.addingTimeInterval(86_399)))
    #expect(!IdempotencyPolicy.isDuplicate(recordedAt: now, now: now.addingTimeInterval(86_400)))
    #expect(throws: TagRuleViolation.self) {
      try IdempotencyPolicy.scopedKey(String(repeating: "k", count: 201), operation: "attach")
    }
  }

  @Test("T9: detach removes the direct row only and reports when an inherited row keeps the tag")
  func detach() {
    let direct = ContactTagAssociation(
      contactID: 1, tag: key, firstTaggedAt: now, firstTaggedVia: .manual)
    let inherited = ContactTagAssociation(
      contactID: 1, tag: key, origin: .inherited, refType: .cdhInherited, firstTaggedAt: now,
      firstTaggedVia: .unification)
    let both = DetachDecision.decide(direct: direct, inherited: inherited, at: now)
    #expect(both.outcome == .detached)
    #expect(both.removesDirectRow)
    #expect(both.stillHasTag)
    let directOnly = DetachDecision.decide(direct: direct, inherited: nil, at: now)
    #expect(directOnly.outcome == .detached)
    #expect(!directOnly.stillHasTag)
    let inheritedOnly = DetachDecision.decide(direct: nil, inherited: inherited, at: now)
    #expect(inheritedOnly.outcome == .notAttached)
    #expect(!inheritedOnly.removesDirectRow)
    #expect(inheritedOnly.stillHasTag)
    let none = DetachDecision.decide(direct: nil, inherited: nil, at: now)
    #expect(none.outcome == .notAttached)
  }

  @Test("T9: re-attaching after a detach starts a new attachment period")
  func reattachAfterDetach() {
    let (first, _) = ContactTagAssociation.applying(application(at: now), to: nil, expiry: .none)
    let (second, _) = ContactTagAssociation.applying(
      application(at: now + 1), to: first, expiry: .none)
    #expect(second.tagCount == 2)
    let decision = DetachDecision.decide(direct: second, inherited: nil, at: now + 2)
    #expect(decision.removesDirectRow)
    let later = now.addingTimeInterval(60)
    let (again, outcome) = ContactTagAssociation.applying(
      application(at: later), to: nil, expiry: .none)
    #expect(outcome == .attached)
    #expect(again.firstTaggedAt == later)
    #expect(again.tagCount == 1)
  }
}
