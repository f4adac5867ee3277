import Foundation

/// One tag of a CDH `member.tag.update` item for a MAAC member (T23).
public struct InboundCDHTag: Sendable, Hashable {
  /// Add or delete.
  public enum Action: String, Sendable, Hashable {
    case add
    case delete
  }

  /// The MAAC contact.
  public let contactID: Int64
  /// The tag as CDH names it (id + source kept as sent).
  public let tag: TagKey
  /// The name CDH carries (renames arrive this way, T3).
  public let tagName: String
  /// Add or delete.
  public let action: Action
  /// Inherited through unification.
  public let inherited: Bool
  /// Event timestamp (the source timestamp).
  public let timestamp: Date

  /// Creates an item.
  public init(
    contactID: Int64, tag: TagKey, tagName: String, action: Action, inherited: Bool,
    timestamp: Date
  ) {
    self.contactID = contactID
    self.tag = tag
    self.tagName = tagName
    self.action = action
    self.inherited = inherited
    self.timestamp = timestamp
  }

  /// The origin of the row this item writes.
  public var origin: Origin { inherited ? .inherited : .direct }

  /// The application an `add` performs (T10): a normal tag becomes a direct `cdh` row first
  /// tagged now; an inherited tag an inherited `cdh_inherited` row first tagged at the
  /// event's timestamp.
  public func application(processedAt now: Date) -> TagApplication {
    TagApplication(
      contactID: contactID, tag: tag, origin: origin,
      refType: inherited ? .cdhInherited : .cdh,
      taggedVia: inherited ? .unification : .cdhSync,
      occurredAt: inherited ? timestamp : now, recordedAt: now)
  }

  /// An item older than the row's last change is ignored (out-of-order delivery).
  public func isStale(comparedTo lastChange: Date?) -> Bool {
    guard let lastChange else { return false }
    return timestamp < lastChange
  }

  /// Validates the name of a CAAC definition created from this item (up to 255, T1).
  public func definitionName() throws(TagRuleViolation) -> TagName {
    try TagName(validating: tagName, source: tag.source, field: "tags.tag_name")
  }
}
