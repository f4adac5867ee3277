import Foundation

/// What the caller's organization knows about a requested tag id at request time.
public enum TagAvailability: Sendable, Hashable {
  /// No such tag in the caller's organization (unknown or foreign, T27).
  case unknown
  /// The tag exists and is not deleted.
  case live(TagDefinition)
  /// The tag is soft-deleted; `nameTakenByActiveTag` says whether an active tag of the same
  /// source now holds its name.
  case deleted(TagDefinition, nameTakenByActiveTag: Bool)
}

/// The decision, before touching any row, for one requested tag of an attach (T8, T15, T20).
public enum AttachPreflight: Sendable, Hashable {
  /// Apply the tag.
  case apply(TagDefinition)
  /// Restore the deleted tag (same id, `tag.restored`), then apply it (T15).
  case restoreThenApply(TagDefinition)
  /// Do not apply; every pair with this tag gets this outcome.
  case refuse(AttachOutcome)

  /// Decides what an attach through `taggedVia` does with a tag in `availability` at `now`.
  public static func decide(
    _ availability: TagAvailability, taggedVia: TaggedVia, at now: Date
  ) -> AttachPreflight {
    switch availability {
    case .unknown:
      return .refuse(.tagNotFound)
    case .live(let tag):
      return tag.expiry.tagIsExpired(at: now) ? .refuse(.skippedTagExpired) : .apply(tag)
    case .deleted(let tag, let nameTaken):
      guard taggedVia.restoresDeletedTags else { return .refuse(.tagNotFound) }
      if nameTaken { return .refuse(.tagDeleted) }
      if tag.expiry.tagIsExpired(at: now) { return .refuse(.skippedTagExpired) }
      return .restoreThenApply(tag)
    }
  }
}
