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
    if let read = Self.readers[attribute] { return read(self) }
    if let key = attribute.customFieldKey { return customFields[key] }
    return nil
  }

  /// How each named attribute is read as text: one hash lookup instead of matching the name
  /// against every case (diffs read ~30 attributes per change; imports diff millions, #5).
  static let readers: [ContactAttribute: @Sendable (Contact) -> String?] = [
    .lineUID: { $0.lineUID },
    .displayName: { $0.displayName },
    .fullName: { $0.fullName },
    .displayMobile: { $0.displayMobile },
    .displayEmail: { $0.displayEmail },
    .gender: { $0.gender.resolved.gender.rawValue },
    .birthday: { $0.birthday?.description },
    .region: { $0.region?.rawValue },
    .city: { $0.city },
    .address: { $0.address },
    .company: { $0.company },
    .accountManager: { $0.accountManager },
    .memberLevel: { $0.memberLevel },
    .starMark: { $0.starMark ? "true" : "false" },
    .customID: { $0.customerID },
    .connectID: { $0.connectID },
    .note: { $0.note },
    .originalName: { $0.originalName },
    .originalMobile: { $0.originalMobile },
    .originalEmail: { $0.originalEmail },
    .avatarURL: { $0.avatarURL },
    .nameSyncState: { $0.nameSyncState.rawValue },
    .channelStatus: { $0.channelStatusValue },
    .suppressionReason: { $0.suppressionReason?.rawValue },
    .consentSource: { $0.consentSource },
    .consentAt: { $0.consentAt.map(Timestamps.format) },
    .reachable: { $0.reachable ? "true" : "false" },
    .engagementLevel: { $0.engagementLevel.rawValue },
    .lastEngaged: { $0.lastInteractionAt.map(Timestamps.format) },
    .createdAt: { Timestamps.format($0.createdAt) },
    .deletedAt: { $0.deletedAt.map(Timestamps.format) },
  ]

  /// ``ContactAttribute/tracked`` with their readers, in order, for diffs.
  static let trackedReaders: [(attribute: ContactAttribute, read: @Sendable (Contact) -> String?)] =
    ContactAttribute.tracked.map { ($0, readers[$0]!) }

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
