/// The kinds of audit entries (cdh.md §2.2 audit_log, U44).
public enum AuditEventType: String, Sendable, Hashable, Codable, CaseIterable {
  case attributeChanged = "attribute_changed"
  case unificationChanged = "unification_changed"
  case settingsChanged = "settings_changed"
  case scopeChanged = "scope_changed"
  case profileUpdated = "profile_updated"
  case unmerged
  case importApplied = "import_applied"
  case tagChanged = "tag_changed"
}

/// Who made a change, as recorded in audit entries and events.
public struct Actor: Sendable, Hashable, Codable {
  /// `user`, `api`, `system`, `admin` or `service`.
  public var type: String
  public var id: String

  public init(type: String, id: String) {
    self.type = type
    self.id = id
  }

  public static let system = Actor(type: "system", id: "cdh")
}

/// One audit entry: before/after values, actor and correlation id (U44).
public struct AuditEntry: Sendable, Hashable, Codable {
  public var eventType: AuditEventType
  public var occurredAt: Instant
  public var recordedAt: Instant
  public var scopeID: Int64
  public var org: OrgRef?
  public var member: MemberRef?
  public var lineUID: String?
  public var channelID: Int64?
  public var profileID: Int64?
  public var previousProfileID: Int64?
  public var attribute: String?
  public var previousValue: String?
  public var newValue: String?
  public var actor: Actor
  public var correlationID: String
  /// E.g. member lists before/after, materialised fields.
  public var details: [String: String]

  public init(
    eventType: AuditEventType, occurredAt: Instant, recordedAt: Instant, scopeID: Int64,
    org: OrgRef? = nil, member: MemberRef? = nil, lineUID: String? = nil, channelID: Int64? = nil,
    profileID: Int64? = nil, previousProfileID: Int64? = nil, attribute: String? = nil,
    previousValue: String? = nil, newValue: String? = nil, actor: Actor, correlationID: String,
    details: [String: String] = [:]
  ) {
    self.eventType = eventType
    self.occurredAt = occurredAt
    self.recordedAt = recordedAt
    self.scopeID = scopeID
    self.org = org
    self.member = member
    self.lineUID = lineUID
    self.channelID = channelID
    self.profileID = profileID
    self.previousProfileID = previousProfileID
    self.attribute = attribute
    self.previousValue = previousValue
    self.newValue = newValue
    self.actor = actor
    self.correlationID = correlationID
    self.details = details
  }
}
