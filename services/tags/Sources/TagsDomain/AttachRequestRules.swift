import Foundation

/// Whole-request checks of `AttachTags` and `DetachTags` (T8, T28, §9).
public enum AttachRequestRules {
  /// How far ahead of now a caller-supplied `occurred_at` may lie.
  public static let futureTolerance: TimeInterval = 5 * 60

  /// Checks list sizes: ≤ 1,000 contacts, ≤ 50 tags, ≤ 10,000 pairs, none empty.
  public static func checkSizes(contacts: Int, tags: Int) throws(TagRuleViolation) {
    try TagLimits.requireCount(
      contacts, field: "contact_ids", maximum: TagLimits.contactsPerAttach,
      tooManyReason: "BATCH_TOO_LARGE")
    try TagLimits.requireCount(
      tags, field: "tag_ids", maximum: TagLimits.tagsPerAttach, tooManyReason: "BATCH_TOO_LARGE")
    let pairs = contacts * tags
    if pairs > TagLimits.pairsPerAttach {
      throw TagRuleViolation(
        .invalidArgument, reason: "BATCH_TOO_LARGE", field: "contact_ids",
        message:
          "contact_ids: contact_ids × tag_ids must be at most \(TagLimits.pairsPerAttach) pairs (got \(pairs))"
      )
    }
  }

  /// Resolves the business time of an attach.
  ///
  /// Only internal callers (services: contacts import, the CDH consumer, backfills) may
  /// backdate; nobody may post-date by more than five minutes.
  public static func occurredAt(
    requested: Date?, callerIsService: Bool, now: Date
  ) throws(TagRuleViolation) -> Date {
    guard let requested else { return now }
    guard callerIsService else {
      throw TagRuleViolation(
        .permissionDenied, reason: "BACKDATING_NOT_ALLOWED", field: "occurred_at",
        message: "occurred_at: may only be set by internal callers")
    }
    if requested > now.addingTimeInterval(futureTolerance) {
      throw TagRuleViolation(
        .invalidArgument, reason: "OCCURRED_AT_IN_FUTURE", field: "occurred_at",
        message: "occurred_at: must not be in the future")
    }
    return requested
  }

  /// `tagged_via` is mandatory so every application is attributable (§9).
  public static func taggedVia(_ value: TaggedVia?) throws(TagRuleViolation) -> TaggedVia {
    guard let value else {
      throw TagRuleViolation(
        .invalidArgument, reason: "TAGGED_VIA_REQUIRED", field: "tagged_via",
        message: "tagged_via: is required")
    }
    return value
  }

  /// Pairs in request order, each distinct pair once (a repeated id in a request is one
  /// application, not two).
  public static func pairs(contactIDs: [Int64], tags: [TagKey]) -> [(Int64, TagKey)] {
    var seen = Set<PairKey>()
    var result: [(Int64, TagKey)] = []
    for contact in contactIDs {
      for tag in tags where seen.insert(PairKey(contact: contact, tag: tag)).inserted {
        result.append((contact, tag))
      }
    }
    return result
  }

  private struct PairKey: Hashable {
    let contact: Int64
    let tag: TagKey
  }
}
