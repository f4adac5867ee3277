/// A field an import column writes (§2.4).
public enum ImportColumn: Hashable, Sendable {
  case lineUID
  /// LINE template: display phone (sms primary key for phone-only contacts).
  case phone
  case customerID
  /// `name` / `display_name`.
  case displayName
  /// LINE / WhatsApp: display email; email target: the primary key.
  case email
  case note
  case tags
  case messagingStatus
  case gender
  /// Email template: display phone.
  case mobile
  case birthday
  case consentSource
  case consentAt
  case whatsappMobile
  /// A custom field addressed by its label (C15); the key is admin center's.
  case customField(key: String)

  /// The template header rows per target (§2.4), in template order.
  public static func templateHeaders(for target: ImportTarget) -> [String] {
    switch target {
    case .line: ["line_uid", "phone", "customer_id", "name", "email", "note", "tags"]
    case .email:
      [
        "email", "messaging_status", "display_name", "gender", "customer_id", "mobile", "birthday",
        "tag",
        "consent_source", "consent_at",
      ]
    case .whatsapp:
      [
        "WhatsApp_mobile", "messaging_status", "display_name", "gender", "customer_id", "email",
        "birthday", "tag",
      ]
    }
  }

  /// Header spellings (canonical and aliases, §2.4) per target.
  static func headerMap(for target: ImportTarget) -> [String: ImportColumn] {
    switch target {
    case .line:
      [
        "line_uid": .lineUID, "phone": .phone, "mobile": .phone, "customer_id": .customerID,
        "name": .displayName, "display_name": .displayName, "email": .email, "note": .note,
        "tags": .tags,
        "tag": .tags,
      ]
    case .email:
      [
        "email": .email, "messaging_status": .messagingStatus, "status": .messagingStatus,
        "messaging_ status": .messagingStatus, "display_name": .displayName, "name": .displayName,
        "gender": .gender, "customer_id": .customerID, "mobile": .mobile, "phone": .mobile,
        "birthday": .birthday, "tag": .tags, "tags": .tags, "consent_source": .consentSource,
        "consent_at": .consentAt,
      ]
    case .whatsapp:
      [
        "WhatsApp_mobile": .whatsappMobile, "messaging_status": .messagingStatus,
        "status": .messagingStatus,
        "messaging_ status": .messagingStatus, "display_name": .displayName, "name": .displayName,
        "gender": .gender, "customer_id": .customerID, "email": .email, "birthday": .birthday,
        "tag": .tags,
        "tags": .tags,
      ]
    }
  }

  /// Export-only and system columns that are never imported (C16, C28); listed in the task
  /// warning `NON_IMPORTABLE_COLUMN`. Includes the read-only columns of an export (C75).
  public static let nonImportableHeaders: Set<String> = [
    "external_member_id", "fb_id", "ig_id", "original_name", "original_mobile", "original_email",
    "avatar_url", "line_follow_status", "follow_status", "phone_status", "engagement_level",
    "created_at",
    "last_interaction_at", "acquisition_source", "contact_id", "contact_type", "channel_id",
    "email_status",
    "whatsapp_status", "updated_at",
  ]
}

/// An organization's custom-field definition (admin center, C15).
public struct CustomFieldDefinition: Hashable, Sendable {
  public var key: String
  public var label: String

  public init(key: String, label: String) {
    self.key = key
    self.label = label
  }
}
