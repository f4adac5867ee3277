/// One attribute change of an inbound contact event (§5.3).
public struct InboundAttributeChange: Sendable, Hashable {
  public var attribute: String
  public var previousValue: String?
  public var newValue: String?
  public var sourceTimestamp: Instant
  public var origin: ChangeOrigin

  public init(
    attribute: String, previousValue: String? = nil, newValue: String?, sourceTimestamp: Instant,
    origin: ChangeOrigin
  ) {
    self.attribute = attribute
    self.previousValue = previousValue
    self.newValue = newValue
    self.sourceTimestamp = sourceTimestamp
    self.origin = origin
  }
}

/// The entity-level state carried by an event (§5.3 `state`).
public struct InboundEntityState: Sendable, Hashable {
  public var channelType: String
  public var channelID: Int64?
  public var reachable: Bool
  public var createdAt: Instant?

  public init(
    channelType: String, channelID: Int64? = nil, reachable: Bool, createdAt: Instant? = nil
  ) {
    self.channelType = channelType
    self.channelID = channelID
    self.reachable = reachable
    self.createdAt = createdAt
  }
}

/// A contact event from the contacts service (`contact.created` / `updated` / `deleted`).
public struct EntityEvent: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case created
    case updated
    case deleted
  }

  public var eventID: Int64
  public var kind: Kind
  public var member: MemberRef
  public var org: OrgRef
  public var occurredAt: Instant
  public var origin: ChangeOrigin
  public var actor: String
  public var state: InboundEntityState?
  public var changes: [InboundAttributeChange]

  public init(
    eventID: Int64, kind: Kind, member: MemberRef, org: OrgRef, occurredAt: Instant,
    origin: ChangeOrigin, actor: String = "", state: InboundEntityState? = nil,
    changes: [InboundAttributeChange] = []
  ) {
    self.eventID = eventID
    self.kind = kind
    self.member = member
    self.org = org
    self.occurredAt = occurredAt
    self.origin = origin
    self.actor = actor
    self.state = state
    self.changes = changes
  }
}

/// A tag association change from the tag manager (`tags.member_tag.v1`, §5.3).
public struct TagEvent: Sendable, Hashable {
  public var eventID: Int64
  public var org: OrgRef
  public var member: MemberRef
  public var tag: TagKey
  public var tagName: String
  public var isAttached: Bool
  public var occurredAt: Instant
  /// Inherited attachments and CDH syncs are CDH's own propagations coming back (T22).
  public var isEcho: Bool

  public init(
    eventID: Int64, org: OrgRef, member: MemberRef, tag: TagKey, tagName: String,
    isAttached: Bool, occurredAt: Instant, isEcho: Bool = false
  ) {
    self.eventID = eventID
    self.org = org
    self.member = member
    self.tag = tag
    self.tagName = tagName
    self.isAttached = isAttached
    self.occurredAt = occurredAt
    self.isEcho = isEcho
  }
}

/// One requested profile-level write (U27, U28): a value to set, or nil to clear.
public struct ProfileFieldUpdate: Sendable, Hashable {
  public var field: String
  public var value: String?

  public init(field: String, value: String?) {
    self.field = field
    self.value = value
  }

  public static func set(_ field: String, _ value: String) -> ProfileFieldUpdate {
    ProfileFieldUpdate(field: field, value: value)
  }

  public static func clear(_ field: String) -> ProfileFieldUpdate {
    ProfileFieldUpdate(field: field, value: nil)
  }
}
