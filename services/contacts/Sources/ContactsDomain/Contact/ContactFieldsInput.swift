import Foundation

/// Writable contact fields as a caller gives them (the `ContactFields` message): text as
/// received, validated by ``ContactEditor``.
public struct ContactFieldsInput: Hashable, Sendable {
  public var displayName: String?
  public var fullName: String?
  public var displayMobile: String?
  public var displayEmail: String?
  /// `female`, `male`, `others` (or `other`), `unknown`.
  public var gender: String?
  /// `YYYY-MM-DD`.
  public var birthday: String?
  public var region: String?
  public var city: String?
  public var address: String?
  public var company: String?
  public var accountManager: String?
  public var memberLevel: String?
  public var starMark: Bool?
  public var note: String?
  public var connectID: String?
  /// Custom-field key → value.
  public var customFields: [String: String]
  /// Email contacts only (C37).
  public var emailStatus: String?
  /// WhatsApp contacts only (C42).
  public var whatsappStatus: String?
  public var consentSource: String?
  public var consentAt: Date?
  public var customerID: String?

  public init(
    displayName: String? = nil, fullName: String? = nil, displayMobile: String? = nil,
    displayEmail: String? = nil, gender: String? = nil, birthday: String? = nil,
    region: String? = nil,
    city: String? = nil, address: String? = nil, company: String? = nil,
    accountManager: String? = nil,
    memberLevel: String? = nil, starMark: Bool? = nil, note: String? = nil,
    connectID: String? = nil,
    customFields: [String: String] = [:], emailStatus: String? = nil, whatsappStatus: String? = nil,
    consentSource: String? = nil, consentAt: Date? = nil, customerID: String? = nil
  ) {
    self.displayName = displayName
    self.fullName = fullName
    self.displayMobile = displayMobile
    self.displayEmail = displayEmail
    self.gender = gender
    self.birthday = birthday
    self.region = region
    self.city = city
    self.address = address
    self.company = company
    self.accountManager = accountManager
    self.memberLevel = memberLevel
    self.starMark = starMark
    self.note = note
    self.connectID = connectID
    self.customFields = customFields
    self.emailStatus = emailStatus
    self.whatsappStatus = whatsappStatus
    self.consentSource = consentSource
    self.consentAt = consentAt
    self.customerID = customerID
  }

  /// The update-mask paths of every field that is present (CreateContact writes all of them).
  public var presentPaths: [String] {
    var paths: [String] = []
    func add(_ present: Bool, _ path: EditableField) { if present { paths.append(path.rawValue) } }
    add(displayName != nil, .displayName)
    add(fullName != nil, .fullName)
    add(displayMobile != nil, .displayMobile)
    add(displayEmail != nil, .displayEmail)
    add(gender != nil, .gender)
    add(birthday != nil, .birthday)
    add(region != nil, .region)
    add(city != nil, .city)
    add(address != nil, .address)
    add(company != nil, .company)
    add(accountManager != nil, .accountManager)
    add(memberLevel != nil, .memberLevel)
    add(starMark != nil, .starMark)
    add(note != nil, .note)
    add(connectID != nil, .connectID)
    add(emailStatus != nil, .emailStatus)
    add(whatsappStatus != nil, .whatsappStatus)
    add(consentSource != nil, .consentSource)
    add(consentAt != nil, .consentAt)
    add(customerID != nil, .customerID)
    paths += customFields.keys.sorted().map { "custom_fields.\($0)" }
    return paths
  }
}

/// The names an update mask may carry (the `ContactFields` field names).
public enum EditableField: String, CaseIterable, Hashable, Sendable {
  case displayName = "display_name"
  case fullName = "full_name"
  case displayMobile = "display_mobile"
  case displayEmail = "display_email"
  case gender
  case birthday
  case region
  case city
  case address
  case company
  case accountManager = "account_manager"
  case memberLevel = "member_level"
  case starMark = "star_mark"
  case note
  case connectID = "connect_id"
  case customFields = "custom_fields"
  case emailStatus = "email_status"
  case whatsappStatus = "whatsapp_status"
  case consentSource = "consent_source"
  case consentAt = "consent_at"
  case customerID = "customer_id"

  /// Paths naming the primary key or the identity: `IMMUTABLE_FIELD` (C2).
  public static let immutablePaths: Set<String> = [
    "id", "external_id", "external_member_id", "line_uid", "channel_type", "channel_id", "psid",
    "ig_id",
    "whatsapp_mobile", "WhatsApp_mobile",
  ]

  /// Paths naming read-only system fields: `READ_ONLY_FIELD` (C16).
  public static let readOnlyPaths: Set<String> = [
    "original_name", "original_mobile", "original_email", "avatar_url", "follow_status",
    "line_follow_status", "phone_status", "engagement_level", "created_at", "updated_at",
    "last_interaction_at", "acquisition_source", "name_sync_state", "resolved_name", "name_source",
    "is_bound", "reachable", "requires_risk_acceptance", "age", "version", "cdh_version",
    "deleted_at",
    "gender_source", "suppression_reason", "soft_bounce_streak",
  ]
}
