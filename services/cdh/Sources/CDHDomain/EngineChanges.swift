/// Everything one engine operation changed, for storage to persist in one transaction and for
/// the outbox (U15, U42, U44). Values are read from the engine after the operation.
public struct EngineChanges: Sendable {
  /// Member → replica fields written (storage upserts those entity_attribute rows).
  public var attributeWrites: [MemberRef: Set<String>] = [:]
  /// Members whose channel_entity row changed (reachability, deletion, scope, version).
  public var entityWrites: Set<MemberRef> = []
  /// Members whose profile membership changed.
  public var membershipWrites: Set<MemberRef> = []
  /// Members that only got a new outbound version (their membership row changes, not their
  /// replica).
  public var versionWrites: Set<MemberRef> = []
  /// Member → tag rows written; a key absent from the entity's tags was deleted (U38).
  public var tagWrites: [MemberRef: Set<TagKey>] = [:]
  /// Profiles to upsert (live or retired).
  public var profileWrites: Set<Int64> = []
  public var audit: [AuditEntry] = []
  public var profileItems: [ProfileBroadcastItem] = []
  public var tagItems: [TagBroadcastItem] = []
  /// Changes skipped because they were older than the stored value (U43).
  public var staleChanges = 0
  /// Changes skipped as echoes of CDH's own writes (U42).
  public var echoChanges = 0
  /// Members whose membership changed (U18 "influenced").
  public var influencedMembers = 0

  public init() {}

  public var isEmpty: Bool {
    attributeWrites.isEmpty && entityWrites.isEmpty && membershipWrites.isEmpty
      && versionWrites.isEmpty
      && tagWrites.isEmpty && profileWrites.isEmpty && audit.isEmpty && profileItems.isEmpty
      && tagItems.isEmpty
  }

  mutating func wrote(_ field: String, of member: MemberRef) {
    attributeWrites[member, default: []].insert(field)
  }

  mutating func wroteTag(_ tag: TagKey, of member: MemberRef) {
    tagWrites[member, default: []].insert(tag)
  }
}
