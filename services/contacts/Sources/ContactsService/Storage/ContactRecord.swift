import ContactsDomain
import Foundation
import PostgresClient

/// How a ``Contact`` is laid out in `contact` rows: one column list for reads, inserts and COPY.
enum ContactRecord {
  /// Every column of `contact`, in the order of ``values(of:)``.
  static let columns: [String] = [
    "id", "organization_id", "channel_type", "channel_id", "external_id", "external_id_raw",
    "display_name",
    "full_name", "display_mobile", "display_email", "gender_manual", "gender_channel",
    "gender_predicted",
    "birthday", "region", "city", "address", "company", "account_manager", "member_level",
    "star_mark",
    "customer_id", "connect_id", "custom_fields", "note", "original_name", "avatar_url",
    "original_mobile",
    "original_email", "name_sync_state", "line_follow_status", "line_follow_status_changed_at",
    "email_status",
    "suppression_reason", "email_status_changed_at", "soft_bounce_streak", "consent_source",
    "consent_at",
    "whatsapp_status", "whatsapp_status_changed_at", "phone_status", "fb_gender",
    "fb_last_message_at",
    "fb_timezone", "fb_locale", "ig_name", "ig_is_verified_user", "engagement_level",
    "acquisition_source",
    "last_interaction_at", "field_clocks", "version", "cdh_version", "created_at", "updated_at",
    "deleted_at",
  ]

  static let emptyObject = PostgresJSON("{}")

  /// `SELECT` list of all columns.
  static let selectList = columns.joined(separator: ", ")

  /// The column values of `contact` (with `fieldClocks`), aligned with ``columns``.
  static func values(of contact: Contact, fieldClocks: [String: Date]) throws -> [(
    any PostgresEncodable
  )?] {
    var list = PostgresValueList()
    try encode(contact, fieldClocks: fieldClocks, into: &list)
    return list.values
  }

  /// Appends the column values of `contact` (with `fieldClocks`) to `row`, aligned with
  /// ``columns``: the one description of the layout, for bound parameters and for COPY rows
  /// (``PostgresCopyRow``, typed: imports load millions of rows).
  static func encode(
    _ contact: Contact, fieldClocks: [String: Date], into row: inout some PostgresValueSink
  ) throws {
    row.append(contact.id)
    row.append(contact.organizationID)
    row.append(contact.channelType.rawValue)
    row.append(contact.channelID)
    row.append(contact.externalID)
    row.append(contact.externalIDRaw)
    row.append(contact.displayName)
    row.append(contact.fullName)
    row.append(contact.displayMobile)
    row.append(contact.displayEmail)
    row.append(contact.gender.manual?.rawValue)
    row.append(contact.gender.channel?.rawValue)
    row.append(contact.gender.predicted?.rawValue)
    row.append(
      contact.birthday.flatMap { PostgresDate(year: $0.year, month: $0.month, day: $0.day) })
    row.append(contact.region?.rawValue)
    row.append(contact.city)
    row.append(contact.address)
    row.append(contact.company)
    row.append(contact.accountManager)
    row.append(contact.memberLevel)
    row.append(contact.starMark)
    row.append(contact.customerID)
    row.append(contact.connectID)
    row.append(
      contact.customFields.isEmpty ? emptyObject : try PostgresJSON(encoding: contact.customFields))
    row.append(contact.note)
    row.append(contact.originalName)
    row.append(contact.avatarURL)
    row.append(contact.originalMobile)
    row.append(contact.originalEmail)
    row.append(contact.nameSyncState.rawValue)
    row.append(contact.lineFollowStatus?.rawValue)
    row.append(contact.lineFollowStatusChangedAt)
    row.append(contact.emailStatus?.rawValue)
    row.append(contact.suppressionReason?.rawValue)
    row.append(contact.emailStatusChangedAt)
    row.append(Int32(contact.softBounceStreak))
    row.append(contact.consentSource)
    row.append(contact.consentAt)
    row.append(contact.whatsappStatus?.rawValue)
    row.append(contact.whatsappStatusChangedAt)
    row.append(contact.phoneStatus?.rawValue)
    row.append(contact.fbGender)
    row.append(contact.fbLastMessageAt)
    row.append(contact.fbTimezone)
    row.append(contact.fbLocale)
    row.append(contact.igName)
    row.append(contact.igIsVerifiedUser)
    row.append(contact.engagementLevel.rawValue)
    row.append(contact.acquisitionSource.rawValue)
    row.append(contact.lastInteractionAt)
    row.append(
      fieldClocks.isEmpty
        ? emptyObject
        : try PostgresJSON(encoding: fieldClocks.mapValues { $0.timeIntervalSince1970 }))
    row.append(contact.version)
    row.append(contact.cdhVersion)
    row.append(contact.createdAt)
    row.append(contact.updatedAt)
    row.append(contact.deletedAt)
  }

  /// Decodes a row selected with ``selectList``.
  static func decode(_ row: PostgresRow) throws -> (contact: Contact, fieldClocks: [String: Date]) {
    func text(_ column: String) throws -> String? { try row.decode(column, as: String?.self) }
    func date(_ column: String) throws -> Date? { try row.decode(column, as: Date?.self) }
    guard let type = ChannelType(rawValue: try row.decode("channel_type", as: String.self)),
      let acquisition = AcquisitionSource(
        rawValue: try row.decode("acquisition_source", as: String.self))
    else {
      throw StoreError.corrupt("contact row with an unknown channel type or acquisition source")
    }
    var contact = Contact(
      id: try row.decode("id", as: Int64.self),
      organizationID: try row.decode("organization_id", as: Int64.self),
      channelType: type, channelID: try row.decode("channel_id", as: Int64?.self),
      externalID: try row.decode("external_id", as: String.self),
      externalIDRaw: try row.decode("external_id_raw", as: String.self),
      acquisitionSource: acquisition,
      createdAt: try row.decode("created_at", as: Date.self))
    contact.displayName = try text("display_name")
    contact.fullName = try text("full_name")
    contact.displayMobile = try text("display_mobile")
    contact.displayEmail = try text("display_email")
    contact.gender = GenderValues(
      manual: try text("gender_manual").flatMap(Gender.init(rawValue:)),
      channel: try text("gender_channel").flatMap(Gender.init(rawValue:)),
      predicted: try text("gender_predicted").flatMap(Gender.init(rawValue:)))
    contact.birthday = try row.decode("birthday", as: PostgresDate?.self).flatMap {
      CalendarDate(year: $0.year, month: $0.month, day: $0.day)
    }
    contact.region = try text("region").flatMap(Region.init(rawValue:))
    contact.city = try text("city")
    contact.address = try text("address")
    contact.company = try text("company")
    contact.accountManager = try text("account_manager")
    contact.memberLevel = try text("member_level")
    contact.starMark = try row.decode("star_mark", as: Bool.self)
    contact.customerID = try text("customer_id")
    contact.connectID = try text("connect_id")
    contact.customFields = try object(row.decode("custom_fields", as: PostgresJSON.self))
    contact.note = try text("note")
    contact.originalName = try text("original_name")
    contact.avatarURL = try text("avatar_url")
    contact.originalMobile = try text("original_mobile")
    contact.originalEmail = try text("original_email")
    contact.nameSyncState =
      try text("name_sync_state").flatMap(NameSyncState.init(rawValue:)) ?? .notApplicable
    contact.lineFollowStatus = try text("line_follow_status").flatMap(
      LineFollowStatus.init(rawValue:))
    contact.lineFollowStatusChangedAt = try date("line_follow_status_changed_at")
    contact.emailStatus = try text("email_status").flatMap(EmailStatus.init(rawValue:))
    contact.suppressionReason = try text("suppression_reason").flatMap(
      SuppressionReason.init(rawValue:))
    contact.emailStatusChangedAt = try date("email_status_changed_at")
    contact.softBounceStreak = Int(try row.decode("soft_bounce_streak", as: Int32.self))
    contact.consentSource = try text("consent_source")
    contact.consentAt = try date("consent_at")
    contact.whatsappStatus = try text("whatsapp_status").flatMap(WhatsAppStatus.init(rawValue:))
    contact.whatsappStatusChangedAt = try date("whatsapp_status_changed_at")
    contact.phoneStatus = try text("phone_status").flatMap(PhoneStatus.init(rawValue:))
    contact.fbGender = try text("fb_gender")
    contact.fbLastMessageAt = try date("fb_last_message_at")
    contact.fbTimezone = try text("fb_timezone")
    contact.fbLocale = try text("fb_locale")
    contact.igName = try text("ig_name")
    contact.igIsVerifiedUser = try row.decode("ig_is_verified_user", as: Bool?.self)
    contact.engagementLevel =
      try text("engagement_level").flatMap(EngagementLevel.init(rawValue:)) ?? .lv1
    contact.lastInteractionAt = try date("last_interaction_at")
    contact.version = try row.decode("version", as: Int64.self)
    contact.cdhVersion = try row.decode("cdh_version", as: Int64.self)
    contact.updatedAt = try row.decode("updated_at", as: Date.self)
    contact.deletedAt = try date("deleted_at")
    let clocks: [String: Double] = try object(row.decode("field_clocks", as: PostgresJSON.self))
    return (contact, clocks.mapValues { Date(timeIntervalSince1970: $0) })
  }

  /// A flat JSON object column. Most contacts have no custom fields and no field clocks, and a
  /// `JSONDecoder` per empty object was a third of the service's CPU for a list page of 100.
  private static func object<Value: Decodable>(_ json: PostgresJSON) throws -> [String: Value] {
    json == emptyObject ? [:] : try json.decode([String: Value].self)
  }
}

/// Storage failures that are not the caller's fault.
enum StoreError: Error, CustomStringConvertible {
  case corrupt(String)

  var description: String {
    switch self {
    case .corrupt(let message): "corrupt stored data: \(message)"
    }
  }
}
