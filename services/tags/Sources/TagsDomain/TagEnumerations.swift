/// Where a tag definition was first created; displayed as the "Source" column (§3.6).
public enum CreatedVia: String, Sendable, Hashable, CaseIterable, Codable {
  case maac
  case caac
  case api
}

/// The path through which a tag was applied to a contact (§3.6).
public enum TaggedVia: String, Sendable, Hashable, CaseIterable, Codable {
  case manual
  case bulkUpdate = "bulk_update"
  case `import`
  case openAPI = "open_api"
  case deepLink = "deep_link"
  case messageLink = "message_link"
  case broadcastClick = "broadcast_click"
  case autoReply = "auto_reply"
  case richMenu = "rich_menu"
  case journey
  case cdhSync = "cdh_sync"
  case unification

  /// Paths configured once by id that keep firing after the tag is deleted; applying a
  /// deleted tag through one of them restores the tag (T15, legacy parity).
  public var restoresDeletedTags: Bool {
    switch self {
    case .deepLink, .messageLink, .broadcastClick, .autoReply, .richMenu, .journey: true
    default: false
    }
  }
}

/// Whether an association was applied to the contact itself or mirrored by CDH (T10).
public enum Origin: String, Sendable, Hashable, CaseIterable, Codable {
  case direct
  case inherited
}

/// Legacy reference type of an association (T10).
public enum RefType: String, Sendable, Hashable, CaseIterable, Codable {
  case none
  case cdh
  case cdhInherited = "cdh_inherited"
}

/// Why an association was removed (§3.6).
public enum RemoveReason: String, Sendable, Hashable, CaseIterable, Codable {
  case manual
  case bulkUpdate = "bulk_update"
  case openAPI = "open_api"
  case journey
  case expired
  case tagDeleted = "tag_deleted"
  case contactDeleted = "contact_deleted"
  case cdhSync = "cdh_sync"
  case unmerge
}

/// Derived state of a tag definition.
public enum TagStatus: String, Sendable, Hashable, CaseIterable, Codable {
  case active
  case expired
  case deleted
}

/// What happened to one (contact, tag) pair of an attach request (§3.6).
public enum AttachOutcome: String, Sendable, Hashable, CaseIterable, Codable {
  case attached
  case reapplied
  case skippedTagExpired = "skipped_tag_expired"
  case tagNotFound = "tag_not_found"
  case tagDeleted = "tag_deleted"
  case contactNotFound = "contact_not_found"
  case duplicateRequest = "duplicate_request"
}

/// What happened to one (contact, tag) pair of a detach request (§3.6).
public enum DetachOutcome: String, Sendable, Hashable, CaseIterable, Codable {
  case detached
  case notAttached = "not_attached"
  case tagNotFound = "tag_not_found"
  case contactNotFound = "contact_not_found"
}

/// A free-form pointer to what carried an application, e.g. `{deep_link, 995058}`.
public struct TagRef: Sendable, Hashable, Codable {
  /// Kind of the referenced thing (`deep_link`, `journey_node`, ...).
  public let kind: String
  /// Its id in the owning system.
  public let id: String

  /// Creates a reference.
  public init(kind: String, id: String) {
    self.kind = kind
    self.id = id
  }
}
