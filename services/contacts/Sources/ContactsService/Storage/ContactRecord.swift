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

  /// Decodes a row selected with ``selectList``: its cells are read by position, in the order
  /// of ``columns`` (the order ``encode(_:fieldClocks:into:)`` writes them). Looked up by name,
  /// hashing 56 names per row was half of the service's CPU for a list page of 100.
  static func decode(_ row: PostgresRow) throws -> (contact: Contact, fieldClocks: [String: Date]) {
    var cells = CellReader(row: row)
    let id = try cells.next("id", as: Int64.self)
    let organizationID = try cells.next("organization_id", as: Int64.self)
    let channelType = try cells.next("channel_type", as: String.self)
    let channelID = try cells.next("channel_id", as: Int64?.self)
    let externalID = try cells.next("external_id", as: String.self)
    let externalIDRaw = try cells.next("external_id_raw", as: String.self)
    let displayName = try cells.text("display_name")
    let fullName = try cells.text("full_name")
    let displayMobile = try cells.text("display_mobile")
    let displayEmail = try cells.text("display_email")
    let gender = GenderValues(
      manual: try cells.text("gender_manual").flatMap(Gender.init(rawValue:)),
      channel: try cells.text("gender_channel").flatMap(Gender.init(rawValue:)),
      predicted: try cells.text("gender_predicted").flatMap(Gender.init(rawValue:)))
    let birthday = try cells.next("birthday", as: PostgresDate?.self).flatMap {
      CalendarDate(year: $0.year, month: $0.month, day: $0.day)
    }
    let region = try cells.text("region").flatMap(Region.init(rawValue:))
    let city = try cells.text("city")
    let address = try cells.text("address")
    let company = try cells.text("company")
    let accountManager = try cells.text("account_manager")
    let memberLevel = try cells.text("member_level")
    let starMark = try cells.next("star_mark", as: Bool.self)
    let customerID = try cells.text("customer_id")
    let connectID = try cells.text("connect_id")
    let customFields: [String: String] = try object(
      cells.next("custom_fields", as: PostgresJSON.self))
    let note = try cells.text("note")
    let originalName = try cells.text("original_name")
    let avatarURL = try cells.text("avatar_url")
    let originalMobile = try cells.text("original_mobile")
    let originalEmail = try cells.text("original_email")
    let nameSyncState = try cells.text("name_sync_state").flatMap(NameSyncState.init(rawValue:))
    let lineFollowStatus = try cells.text("line_follow_status").flatMap(
      LineFollowStatus.init(rawValue:))
    let lineFollowStatusChangedAt = try cells.date("line_follow_status_changed_at")
    let emailStatus = try cells.text("email_status").flatMap(EmailStatus.init(rawValue:))
    let suppressionReason = try cells.text("suppression_reason").flatMap(
      SuppressionReason.init(rawValue:))
    let emailStatusChangedAt = try cells.date("email_status_changed_at")
    let softBounceStreak = Int(try cells.next("soft_bounce_streak", as: Int32.self))
    let consentSource = try cells.text("consent_source")
    let consentAt = try cells.date("consent_at")
    let whatsappStatus = try cells.text("whatsapp_status").flatMap(WhatsAppStatus.init(rawValue:))
    let whatsappStatusChangedAt = try cells.date("whatsapp_status_changed_at")
    let phoneStatus = try cells.text("phone_status").flatMap(PhoneStatus.init(rawValue:))
    let fbGender = try cells.text("fb_gender")
    let fbLastMessageAt = try cells.date("fb_last_message_at")
    let fbTimezone = try cells.text("fb_timezone")
    let fbLocale = try cells.text("fb_locale")
    let igName = try cells.text("ig_name")
    let igIsVerifiedUser = try cells.next("ig_is_verified_user", as: Bool?.self)
    let engagementLevel = try cells.text("engagement_level").flatMap(
      EngagementLevel.init(rawValue:))
    let acquisitionSource = try cells.next("acquisition_source", as: String.self)
    let lastInteractionAt = try cells.date("last_interaction_at")
    let clocks: [String: Double] = try object(cells.next("field_clocks", as: PostgresJSON.self))
    let version = try cells.next("version", as: Int64.self)
    let cdhVersion = try cells.next("cdh_version", as: Int64.self)
    let createdAt = try cells.next("created_at", as: Date.self)
    let updatedAt = try cells.next("updated_at", as: Date.self)
    let deletedAt = try cells.date("deleted_at")

    guard let type = ChannelType(rawValue: channelType),
      let acquisition = AcquisitionSource(rawValue: acquisitionSource)
    else {
      throw StoreError.corrupt("contact row with an unknown channel type or acquisition source")
    }
    var contact = Contact(
      id: id, organizationID: organizationID, channelType: type, channelID: channelID,
      externalID: externalID, externalIDRaw: externalIDRaw, acquisitionSource: acquisition,
      createdAt: createdAt)
    contact.displayName = displayName
    contact.fullName = fullName
    contact.displayMobile = displayMobile
    contact.displayEmail = displayEmail
    contact.gender = gender
    contact.birthday = birthday
    contact.region = region
    contact.city = city
    contact.address = address
    contact.company = company
    contact.accountManager = accountManager
    contact.memberLevel = memberLevel
    contact.starMark = starMark
    contact.customerID = customerID
    contact.connectID = connectID
    contact.customFields = customFields
    contact.note = note
    contact.originalName = originalName
    contact.avatarURL = avatarURL
    contact.originalMobile = originalMobile
    contact.originalEmail = originalEmail
    contact.nameSyncState = nameSyncState ?? .notApplicable
    contact.lineFollowStatus = lineFollowStatus
    contact.lineFollowStatusChangedAt = lineFollowStatusChangedAt
    contact.emailStatus = emailStatus
    contact.suppressionReason = suppressionReason
    contact.emailStatusChangedAt = emailStatusChangedAt
    contact.softBounceStreak = softBounceStreak
    contact.consentSource = consentSource
    contact.consentAt = consentAt
    contact.whatsappStatus = whatsappStatus
    contact.whatsappStatusChangedAt = whatsappStatusChangedAt
    contact.phoneStatus = phoneStatus
    contact.fbGender = fbGender
    contact.fbLastMessageAt = fbLastMessageAt
    contact.fbTimezone = fbTimezone
    contact.fbLocale = fbLocale
    contact.igName = igName
    contact.igIsVerifiedUser = igIsVerifiedUser
    contact.engagementLevel = engagementLevel ?? .lv1
    contact.lastInteractionAt = lastInteractionAt
    contact.version = version
    contact.cdhVersion = cdhVersion
    contact.updatedAt = updatedAt
    contact.deletedAt = deletedAt
    return (contact, clocks.mapValues { Date(timeIntervalSince1970: $0) })
  }

  /// The cells of a row selected with ``selectList``, one after the other.
  private struct CellReader {
    let row: PostgresRow
    var position = 0

    /// The next cell, which is `column`'s (checked in debug builds: every test reads rows).
    mutating func next<T: PostgresDecodable>(_ column: String, as type: T.Type) throws -> T {
      assert(
        position < row.columns.count && row.columns[position].name == column,
        "contact rows are read in ContactRecord.columns order; \(column) is not column \(position)"
      )
      defer { position += 1 }
      return try row.decode(at: position, as: type)
    }

    mutating func text(_ column: String) throws -> String? { try next(column, as: String?.self) }
    mutating func date(_ column: String) throws -> Date? { try next(column, as: Date?.self) }
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
