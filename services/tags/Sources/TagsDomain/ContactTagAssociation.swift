import Foundation

/// One association row: a contact carries a tag through one origin (spec/tags.md §3.2).
public struct ContactTagAssociation: Sendable, Hashable {
  /// The contact (a channel entity of the contacts service).
  public var contactID: Int64
  /// The tag.
  public var tag: TagKey
  /// Direct or inherited through CDH (T10).
  public var origin: Origin
  /// Legacy ref type (T10).
  public var refType: RefType
  /// Start of the current attachment period.
  public var firstTaggedAt: Date
  /// Latest application, never before `firstTaggedAt`.
  public var lastTaggedAt: Date
  /// Applications during the current attachment period (intensity), at least 1.
  public var tagCount: Int
  /// Path of the first application of the period.
  public var firstTaggedVia: TaggedVia
  /// Path of the latest application.
  public var lastTaggedVia: TaggedVia
  /// What carried the latest application.
  public var lastRef: TagRef?
  /// When the association stops counting (T20), nil = never.
  public var expiresAt: Date?

  /// Creates a row.
  public init(
    contactID: Int64, tag: TagKey, origin: Origin = .direct, refType: RefType = .none,
    firstTaggedAt: Date, lastTaggedAt: Date? = nil, tagCount: Int = 1, firstTaggedVia: TaggedVia,
    lastTaggedVia: TaggedVia? = nil, lastRef: TagRef? = nil, expiresAt: Date? = nil
  ) {
    self.contactID = contactID
    self.tag = tag
    self.origin = origin
    self.refType = refType
    self.firstTaggedAt = firstTaggedAt
    self.lastTaggedAt = lastTaggedAt ?? firstTaggedAt
    self.tagCount = tagCount
    self.firstTaggedVia = firstTaggedVia
    self.lastTaggedVia = lastTaggedVia ?? firstTaggedVia
    self.lastRef = lastRef
    self.expiresAt = expiresAt
  }

  /// Whether the row counts at `now`: expired rows are hidden at once, before any sweep (T20).
  public func isActive(at now: Date) -> Bool {
    guard let expiresAt else { return true }
    return expiresAt > now
  }

  /// Applies a tag to a contact (T8).
  ///
  /// Without an active row a new attachment period starts (`attached`); an expired row that
  /// the sweeper has not removed yet counts as absent. With an active row the first time
  /// stays, the last time moves forward only, and the intensity grows (`reapplied`).
  public static func applying(
    _ application: TagApplication, to existing: ContactTagAssociation?, expiry: Expiry
  ) -> (row: ContactTagAssociation, outcome: AttachOutcome) {
    if var row = existing, row.isActive(at: application.recordedAt) {
      row.lastTaggedAt = max(row.lastTaggedAt, application.occurredAt)
      row.tagCount += 1
      row.lastTaggedVia = application.taggedVia
      row.lastRef = application.ref
      row.expiresAt = expiry.associationExpiry(lastTaggedAt: row.lastTaggedAt)
      return (row, .reapplied)
    }
    let row = ContactTagAssociation(
      contactID: application.contactID, tag: application.tag, origin: application.origin,
      refType: application.refType, firstTaggedAt: application.occurredAt, tagCount: 1,
      firstTaggedVia: application.taggedVia, lastRef: application.ref,
      expiresAt: expiry.associationExpiry(lastTaggedAt: application.occurredAt))
    return (row, .attached)
  }
}

/// One application of a tag to a contact, as requested.
public struct TagApplication: Sendable, Hashable {
  /// The contact.
  public var contactID: Int64
  /// The tag.
  public var tag: TagKey
  /// Direct, or inherited when CDH says so (T10).
  public var origin: Origin
  /// Legacy ref type.
  public var refType: RefType
  /// Path of the application.
  public var taggedVia: TaggedVia
  /// What carried it.
  public var ref: TagRef?
  /// Business time of the application (defaults to `recordedAt`).
  public var occurredAt: Date
  /// Processing time.
  public var recordedAt: Date

  /// Creates an application; `occurredAt` defaults to `recordedAt`.
  public init(
    contactID: Int64, tag: TagKey, origin: Origin = .direct, refType: RefType = .none,
    taggedVia: TaggedVia, ref: TagRef? = nil, occurredAt: Date? = nil, recordedAt: Date
  ) {
    self.contactID = contactID
    self.tag = tag
    self.origin = origin
    self.refType = refType
    self.taggedVia = taggedVia
    self.ref = ref
    self.occurredAt = occurredAt ?? recordedAt
    self.recordedAt = recordedAt
  }
}
