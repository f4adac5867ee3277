/// A tag is identified by `(source, id)` (cdh.md §2.2 member_tag).
public struct TagKey: Sendable, Hashable, Comparable, Codable {
  public var source: MemberSource
  public var id: Int64

  public init(_ source: MemberSource, _ id: Int64) {
    self.source = source
    self.id = id
  }

  public static func < (lhs: TagKey, rhs: TagKey) -> Bool {
    lhs.source != rhs.source ? lhs.source < rhs.source : lhs.id < rhs.id
  }
}

/// How a member came to hold an attachment.
public enum TagOrigin: String, Sendable, Hashable, Codable {
  /// Attached to this member directly.
  case own
  /// Copied by CDH from another member of the profile as a normal tag (U35).
  case propagated = "cdh_propagated"
  /// Handed down by a merge; never triggers journeys or webhooks (U36).
  case inherited = "cdh_inherited"
}

/// One member's row for one tag (cdh.md §2.2 member_tag).
public struct TagAttachment: Sendable, Hashable, Codable {
  public var tag: TagKey
  public var name: String
  /// false = detached, kept as tombstone.
  public var isAttached: Bool
  public var origin: TagOrigin
  public var attachedAt: Instant
  public var sourceTimestamp: Instant

  public var inherited: Bool { origin == .inherited }

  public init(
    tag: TagKey, name: String, isAttached: Bool, origin: TagOrigin, attachedAt: Instant,
    sourceTimestamp: Instant
  ) {
    self.tag = tag
    self.name = name
    self.isAttached = isAttached
    self.origin = origin
    self.attachedAt = attachedAt
    self.sourceTimestamp = sourceTimestamp
  }
}
