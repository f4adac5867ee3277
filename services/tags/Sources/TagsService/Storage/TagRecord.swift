import Foundation
import MAACContracts
import PostgresClient
import SwiftProtobuf
import TagsDomain

/// A tag definition as stored, with its exact counts (T12).
struct TagRecord: Sendable {
  var definition: TagDefinition
  var createdViaDetail: TaggedVia?
  var createdByRef: TagRef?
  var memberCount: Int64
  var directMemberCount: Int64

  /// Columns selected by every tag read; `t` is `tags`, `c` is `tag_counters`. Counts leave
  /// out associations that expired but were not swept yet, so expiry is visible at once (T20);
  /// a contact whose expired direct row is backed by an inherited row stays a member.
  static let columns = """
    t.organization_id, t.source, t.id, t.name, t.created_via, t.created_via_detail,
    t.created_by_ref_kind, t.created_by_ref_id, t.expiry_mode, t.ttl_days, t.expire_at,
    t.version, t.created_at, t.updated_at, t.deleted_at,
    c.member_count - (SELECT count(*) FROM contact_tags x
        WHERE x.organization_id = t.organization_id AND x.tag_source = t.source
          AND x.tag_id = t.id AND x.expires_at IS NOT NULL AND x.expires_at <= now()
          AND NOT EXISTS (SELECT 1 FROM contact_tags o WHERE o.organization_id = x.organization_id
            AND o.contact_id = x.contact_id AND o.tag_source = x.tag_source AND o.tag_id = x.tag_id
            AND o.origin <> x.origin AND (o.expires_at IS NULL OR o.expires_at > now())))
      AS member_count,
    c.direct_member_count - (SELECT count(*) FROM contact_tags x
        WHERE x.organization_id = t.organization_id AND x.tag_source = t.source
          AND x.tag_id = t.id AND x.origin = 'direct'
          AND x.expires_at IS NOT NULL AND x.expires_at <= now()) AS direct_member_count
    """

  /// `FROM` clause matching ``columns``.
  static let from = "tags t JOIN tag_counters c USING (organization_id, source, id)"

  init(row: PostgresRow) throws {
    let mode = try row.decode("expiry_mode", as: String.self)
    let expiry: Expiry
    switch mode {
    case "relative": expiry = .relative(ttlDays: Int(try row.decode("ttl_days", as: Int32.self)))
    case "absolute": expiry = .absolute(expireAt: try row.decode("expire_at", as: Date.self))
    default: expiry = .none
    }
    definition = TagDefinition(
      key: TagKey(
        id: try row.decode("id", as: Int64.self),
        source: TagSource(rawValue: try row.decode("source", as: String.self)) ?? .maac),
      organizationID: try row.decode("organization_id", as: Int64.self),
      name: try row.decode("name", as: String.self),
      createdVia: CreatedVia(rawValue: try row.decode("created_via", as: String.self)) ?? .maac,
      expiry: expiry,
      version: try row.decode("version", as: Int64.self),
      createdAt: try row.decode("created_at", as: Date.self),
      updatedAt: try row.decode("updated_at", as: Date.self),
      deletedAt: try row.decode("deleted_at", as: Date?.self))
    createdViaDetail = try row.decode("created_via_detail", as: String?.self).flatMap(
      TaggedVia.init(rawValue:))
    if let kind = try row.decode("created_by_ref_kind", as: String?.self) {
      createdByRef = TagRef(
        kind: kind, id: try row.decode("created_by_ref_id", as: String?.self) ?? "")
    }
    memberCount = max(0, try row.decode("member_count", as: Int64.self))
    directMemberCount = max(0, try row.decode("direct_member_count", as: Int64.self))
  }

  /// The wire form at `now`.
  func wire(at now: Date) -> Maac_Tags_V1_Tag {
    var tag = Maac_Tags_V1_Tag()
    tag.id = definition.key.id
    tag.orgID = definition.organizationID
    tag.name = definition.name
    tag.source = ProtoMapping.wire(definition.key.source)
    tag.createdVia = ProtoMapping.wire(definition.createdVia)
    tag.createdViaDetail = ProtoMapping.wire(createdViaDetail)
    if let createdByRef { tag.createdByRef = ProtoMapping.wire(createdByRef) }
    tag.expiry = ProtoMapping.wire(definition.expiry)
    tag.memberCount = memberCount
    tag.directMemberCount = directMemberCount
    tag.status = ProtoMapping.wire(definition.status(at: now))
    tag.createdAt = Google_Protobuf_Timestamp(date: definition.createdAt)
    tag.updatedAt = Google_Protobuf_Timestamp(date: definition.updatedAt)
    if let deletedAt = definition.deletedAt {
      tag.deletedAt = Google_Protobuf_Timestamp(date: deletedAt)
    }
    tag.version = definition.version
    return tag
  }
}

/// The stored text of an expiry: mode, ttl_days, expire_at.
extension Expiry {
  var storage: (mode: String, ttlDays: Int32?, expireAt: Date?) {
    switch self {
    case .none: ("none", nil, nil)
    case .relative(let days): ("relative", Int32(days), nil)
    case .absolute(let at): ("absolute", nil, at)
    }
  }
}
