/// What caused a contact-profile broadcast (cdh.md §5.2 metadata.type).
public enum ProfileBroadcastType: String, Sendable, Hashable, Codable {
  case unifyScopeSettingUpdate = "unify_scope_setting_update"
  case memberImport = "member_import"
  case channelEntityProfileUpdate = "channel_entity_profile_update"
  case profileUpdate = "profile_update"
  case unmerge
  case entityDeleted = "entity_deleted"
  case adminResync = "admin_resync"
}

/// One `contact.update` item: a profile with all its current members (§5.2, U15, U42).
public struct ProfileBroadcastItem: Sendable, Hashable, Codable {
  public var profileID: Int64
  public var scopeID: Int64
  /// From the global monotonic sequence (U42).
  public var version: Int64
  public var previousProfileIDs: [Int64]
  public var view: MergedProfileView
  public var members: [MemberRef]
  public var leftMembers: [MemberRef]
  public var unificationUpdatedAt: Instant
  public var timestamp: Instant
  public var type: ProfileBroadcastType
  /// Contact-level fields the profile holds no value for because a member cleared them:
  /// the newest clear (its time and member), so consumers can order a clear against their
  /// own newer local changes (contacts.md C49). Fields never set have no entry.
  public var clears: [String: FieldWinner] = [:]

  /// Contact-level fields the profile holds no value for: consumers clear them.
  public var clearedFields: [String] {
    ProfileField.contactLevel.filter { view.fields[$0] == nil }
  }
}

/// One tag of a `member.tag.update` item (§5.2).
public struct PropagatedTag: Sendable, Hashable, Codable {
  public enum Action: String, Sendable, Hashable, Codable {
    case add
    case delete
  }

  public var tag: TagKey
  public var name: String
  public var action: Action
  /// Inherited through unification: consumers never fire triggers for it (U36).
  public var inherited: Bool
  /// The original attach time.
  public var createdAt: Instant
}

/// Why tags were broadcast.
public enum TagBroadcastType: String, Sendable, Hashable, Codable {
  case memberTagUpdate = "member_tag_update"
  case unificationInherit = "unification_inherit"
}

/// One `member.tag.update` item: the members that receive the listed tags (§5.2, U35, U36).
public struct TagBroadcastItem: Sendable, Hashable, Codable {
  public var profileID: Int64
  public var scopeID: Int64
  public var version: Int64
  public var members: [MemberRef]
  public var tags: [PropagatedTag]
  public var timestamp: Instant
  public var type: TagBroadcastType
}

/// Splits job output into messages of at most 500 items; exactly the last one is marked, and
/// a job that influenced nothing still sends one empty last message (U18 step 5).
public enum BroadcastBatcher {
  public static let maximumItems = 500

  public struct Batch<Item: Sendable>: Sendable {
    public var items: [Item]
    public var isLast: Bool
  }

  public static func batches<Item>(_ items: [Item], size: Int = maximumItems) -> [Batch<Item>] {
    guard !items.isEmpty else { return [Batch(items: [], isLast: true)] }
    var result: [Batch<Item>] = []
    var start = 0
    while start < items.count {
      let end = min(start + size, items.count)
      result.append(Batch(items: Array(items[start..<end]), isLast: end == items.count))
      start = end
    }
    return result
  }
}
