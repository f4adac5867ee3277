/// CDH's replica of one channel entity (cdh.md §2.2 channel_entity + entity_attribute +
/// member_tag): the input to matching and merging.
public struct ChannelEntity: Sendable, Hashable, Codable {
  public var member: MemberRef
  public var org: OrgRef
  public var scopeID: Int64
  public var channelType: String
  public var channelID: Int64?
  /// Input to `contact_status` (U25).
  public var reachable: Bool
  public var entityCreatedAt: Instant?
  public var deletedAt: Instant?
  /// Field key (§2.3) → replica value.
  public var attributes: [String: AttributeValue]
  public var tags: [TagKey: TagAttachment]
  /// Version of the last outbound item that touched this member (U42).
  public var version: Int64
  public var unificationUpdatedAt: Instant?

  public init(
    member: MemberRef, org: OrgRef, scopeID: Int64, channelType: String = "line",
    channelID: Int64? = nil, reachable: Bool = false, entityCreatedAt: Instant? = nil
  ) {
    self.member = member
    self.org = org
    self.scopeID = scopeID
    self.channelType = channelType
    self.channelID = channelID
    self.reachable = reachable
    self.entityCreatedAt = entityCreatedAt
    self.deletedAt = nil
    self.attributes = [:]
    self.tags = [:]
    self.version = 0
    self.unificationUpdatedAt = nil
  }

  public var isDeleted: Bool { deletedAt != nil }

  public func value(_ field: String) -> String? { attributes[field]?.value }

  /// Attached tags only.
  public var attachedTags: [TagAttachment] {
    tags.values.filter(\.isAttached).sorted { $0.tag < $1.tag }
  }
}
