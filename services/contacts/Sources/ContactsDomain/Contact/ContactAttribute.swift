import Foundation

/// A named attribute of a contact, spelled as CDH names it (`cdh.md` §2.3, contacts §6.1), used
/// for change lists, history entries and events (C68, C74).
public struct ContactAttribute: RawRepresentable, Hashable, Sendable, Comparable,
  ExpressibleByStringLiteral
{
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public static func < (a: ContactAttribute, b: ContactAttribute) -> Bool {
    a.rawValue < b.rawValue
  }

  public static let displayName: ContactAttribute = "display_name"
  public static let fullName: ContactAttribute = "full_name"
  public static let displayMobile: ContactAttribute = "display_mobile"
  public static let displayEmail: ContactAttribute = "display_email"
  public static let gender: ContactAttribute = "gender"
  public static let birthday: ContactAttribute = "birthday"
  public static let region: ContactAttribute = "region"
  public static let city: ContactAttribute = "city"
  public static let address: ContactAttribute = "address"
  public static let company: ContactAttribute = "company"
  public static let accountManager: ContactAttribute = "account_manager"
  public static let memberLevel: ContactAttribute = "member_level"
  public static let starMark: ContactAttribute = "star_mark"
  /// The customer id (CDH's `custom_id`).
  public static let customID: ContactAttribute = "custom_id"
  public static let connectID: ContactAttribute = "connect_id"
  public static let note: ContactAttribute = "note"
  public static let lineUID: ContactAttribute = "line_uid"
  public static let originalName: ContactAttribute = "original_name"
  public static let originalMobile: ContactAttribute = "original_mobile"
  public static let originalEmail: ContactAttribute = "original_email"
  public static let avatarURL: ContactAttribute = "avatar_url"
  /// The status of the contact's own channel (LINE follow, email, WhatsApp, SMS phone).
  public static let channelStatus: ContactAttribute = "channel_status"
  public static let suppressionReason: ContactAttribute = "suppression_reason"
  public static let consentSource: ContactAttribute = "consent_source"
  public static let consentAt: ContactAttribute = "consent_at"
  public static let reachable: ContactAttribute = "reachable"
  public static let engagementLevel: ContactAttribute = "engagement_level"
  /// `last_interaction_at`.
  public static let lastEngaged: ContactAttribute = "last_engaged"
  public static let createdAt: ContactAttribute = "created_at"
  public static let nameSyncState: ContactAttribute = "name_sync_state"
  public static let deletedAt: ContactAttribute = "deleted_at"

  /// `custom_fields.<key>`.
  public static func customField(_ key: String) -> ContactAttribute {
    ContactAttribute(rawValue: "custom_fields.\(key)")
  }

  /// The custom-field key when this is `custom_fields.<key>`.
  public var customFieldKey: String? {
    rawValue.hasPrefix("custom_fields.") ? String(rawValue.dropFirst("custom_fields.".count)) : nil
  }

  /// Contact-level attributes CDH merges and broadcasts back (C70); the rest are entity-level.
  public static let contactLevel: [ContactAttribute] = [
    .displayName, .fullName, .displayMobile, .displayEmail, .region, .city, .address, .birthday,
    .gender,
    .company, .accountManager, .customID, .memberLevel, .connectID, .starMark,
  ]

  /// Attributes that CDH may use as unify keys (§1.5) — interactive writes go through CDH (C69).
  public static let unifyKeys: Set<ContactAttribute> = [
    .customID, .displayMobile, .displayEmail, .connectID,
  ]

  /// Attributes compared when diffing two states, in a stable order (custom fields follow).
  static let tracked: [ContactAttribute] = [
    .lineUID, .displayName, .fullName, .displayMobile, .displayEmail, .gender, .birthday, .region,
    .city,
    .address, .company, .accountManager, .memberLevel, .starMark, .customID, .connectID, .note,
    .originalName, .originalMobile, .originalEmail, .avatarURL, .nameSyncState, .channelStatus,
    .suppressionReason, .consentSource, .consentAt, .reachable, .engagementLevel, .lastEngaged,
    .deletedAt,
  ]
}

extension Contact {
  /// The attribute's value as text (`nil` = not set), as published and written to history.
  public func value(of attribute: ContactAttribute) -> String? {
    if let key = attribute.customFieldKey { return customFields[key] }
    switch attribute {
    case .lineUID: return lineUID
    case .displayName: return displayName
    case .fullName: return fullName
    case .displayMobile: return displayMobile
    case .displayEmail: return displayEmail
    case .gender: return gender.resolved.gender.rawValue
    case .birthday: return birthday?.description
    case .region: return region?.rawValue
    case .city: return city
    case .address: return address
    case .company: return company
    case .accountManager: return accountManager
    case .memberLevel: return memberLevel
    case .starMark: return starMark ? "true" : "false"
    case .customID: return customerID
    case .connectID: return connectID
    case .note: return note
    case .originalName: return originalName
    case .originalMobile: return originalMobile
    case .originalEmail: return originalEmail
    case .avatarURL: return avatarURL
    case .nameSyncState: return nameSyncState.rawValue
    case .channelStatus: return channelStatusValue
    case .suppressionReason: return suppressionReason?.rawValue
    case .consentSource: return consentSource
    case .consentAt: return consentAt.map(Timestamps.format)
    case .reachable: return reachable ? "true" : "false"
    case .engagementLevel: return engagementLevel.rawValue
    case .lastEngaged: return lastInteractionAt.map(Timestamps.format)
    case .createdAt: return Timestamps.format(createdAt)
    case .deletedAt: return deletedAt.map(Timestamps.format)
    default: return nil
    }
  }

  /// The status of the contact's own channel as its wire spelling (`unknown` for LINE without one).
  public var channelStatusValue: String? {
    switch channelType {
    case .line: lineFollowStatus?.rawValue ?? "unknown"
    case .email: emailStatus?.rawValue
    case .whatsapp: whatsappStatus?.rawValue
    case .sms: phoneStatus?.rawValue
    case .facebook, .instagram: nil
    }
  }
}

/// RFC 3339 UTC timestamps as used in change values.
public enum Timestamps {
  public static func format(_ date: Date) -> String {
    date.formatted(
      .iso8601.year().month().day().timeZone(separator: .omitted).time(
        includingFractionalSeconds: true))
  }
}
