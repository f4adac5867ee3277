import Foundation

/// One tag of a contact as `ListContactTags` shows it (T10, T11).
public struct ContactTagEntry: Sendable, Hashable {
  /// The row shown: the direct one when both exist.
  public let association: ContactTagAssociation
  /// A direct entry that is additionally inherited.
  public let alsoInherited: Bool
}

/// Builds a contact's tag list (T11): one entry per tag, direct winning over inherited,
/// newest first by `first_tagged_at`, ties broken by `tag_id` descending.
public enum ContactTagListing {
  /// Merges and orders `rows`; expired rows are hidden (T20), deleted tags must already be
  /// excluded by the caller.
  public static func entries(
    from rows: [ContactTagAssociation], includeInherited: Bool, at now: Date
  ) -> [ContactTagEntry] {
    var byTag: [TagKey: (direct: ContactTagAssociation?, inherited: ContactTagAssociation?)] = [:]
    for row in rows where row.isActive(at: now) {
      switch row.origin {
      case .direct: byTag[row.tag, default: (nil, nil)].direct = row
      case .inherited: byTag[row.tag, default: (nil, nil)].inherited = row
      }
    }
    let entries: [ContactTagEntry] = byTag.values.compactMap { pair in
      if let direct = pair.direct {
        return ContactTagEntry(association: direct, alsoInherited: pair.inherited != nil)
      }
      guard includeInherited, let inherited = pair.inherited else { return nil }
      return ContactTagEntry(association: inherited, alsoInherited: false)
    }
    return entries.sorted(by: precedes)
  }

  /// T11 order.
  static func precedes(_ a: ContactTagEntry, _ b: ContactTagEntry) -> Bool {
    let left = a.association
    let right = b.association
    if left.firstTaggedAt != right.firstTaggedAt { return left.firstTaggedAt > right.firstTaggedAt }
    if left.tag.id != right.tag.id { return left.tag.id > right.tag.id }
    return left.tag.source.rawValue > right.tag.source.rawValue
  }
}
