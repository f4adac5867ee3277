import Foundation

/// The public shape of a channel (A22): what `GET /api/v1/channels`, GetChannel and
/// ListChannels answer. It has no field that could hold a credential, a provider key, an
/// `external_domain_id` or health internals, so building a public answer from it cannot leak
/// them.
public struct ChannelView: Sendable, Hashable, Encodable {
  public var id: Int64
  public var organizationID: Int64
  public var uuid: String
  public var name: String
  public var type: ChannelType
  public var status: ChannelStatus
  public var externalChannelID: String?
  public var enabled: Bool
  /// LINE only.
  public var legacyBotID: Int64?
  public var createdAt: Date
  public var updatedAt: Date
  /// `channel_information` of an email channel; nil (rendered `{}`) for other types.
  public var emailInformation: EmailChannelInformation?

  /// The public view of `record`: credentials and internals are dropped.
  public init(_ record: ChannelRecord) {
    id = record.id
    organizationID = record.organizationID
    uuid = record.uuid
    name = record.name
    type = record.type
    status = record.status
    externalChannelID = record.externalChannelID
    enabled = record.enabled
    legacyBotID = record.legacyBotID
    createdAt = record.createdAt
    updatedAt = record.updatedAt
    emailInformation = record.email.map { EmailChannelInformation(brandDomain: $0.brandDomain) }
  }

  private enum CodingKeys: String, CodingKey {
    case id, uuid, name, type, status, enabled
    case organizationID = "organization_id"
    case externalChannelID = "external_channel_id"
    case legacyBotID = "legacy_bot_id"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case channelInformation = "channel_information"
  }

  /// Encodes the public JSON shape of spec §5.1 with RFC 3339 UTC timestamps (A24).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(organizationID, forKey: .organizationID)
    try container.encode(uuid, forKey: .uuid)
    try container.encode(name, forKey: .name)
    try container.encode(type, forKey: .type)
    try container.encode(status, forKey: .status)
    try container.encode(externalChannelID, forKey: .externalChannelID)
    try container.encode(enabled, forKey: .enabled)
    if let legacyBotID { try container.encode(legacyBotID, forKey: .legacyBotID) }
    try container.encode(RFC3339Timestamp.string(from: createdAt), forKey: .createdAt)
    try container.encode(RFC3339Timestamp.string(from: updatedAt), forKey: .updatedAt)
    if let emailInformation {
      try container.encode(emailInformation, forKey: .channelInformation)
    } else {
      // Non-email channels answer `channel_information: {}` (A22).
      _ = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .channelInformation)
    }
  }
}

/// `channel_information` of an email channel (A22). Sender-domain and sender-profile
/// summaries join it with the email-onboarding part.
public struct EmailChannelInformation: Sendable, Hashable, Encodable {
  public var brandDomain: String

  public init(brandDomain: String) {
    self.brandDomain = brandDomain
  }

  private enum CodingKeys: String, CodingKey {
    case brandDomain = "brand_domain"
    case senderDomains = "sender_domains"
    case senderProfiles = "sender_profiles"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(brandDomain, forKey: .brandDomain)
    try container.encode([String](), forKey: .senderDomains)
    try container.encode([String](), forKey: .senderProfiles)
  }
}
