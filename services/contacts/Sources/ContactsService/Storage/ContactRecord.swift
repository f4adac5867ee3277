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
    func known<Value: RawRepresentable<String>>(_ raw: String, _ type: Value.Type) throws -> Value {
      guard let value = Value(rawValue: raw) else {
        throw StoreError.corrupt("contact row with an unknown \(Value.self) \(raw)")
      }
      return value
    }
    // The initializer's arguments are read in column order, but for the two that come later.
    var contact = Contact(
      id: try cells.next("id", as: Int64.self),
      organizationID: try cells.next("organization_id", as: Int64.self),
      channelType: try known(try cells.next("channel_type", as: String.self), ChannelType.self),
      channelID: try cells.next("channel_id", as: Int64?.self),
      externalID: try cells.next("external_id", as: String.self),
      externalIDRaw: try cells.next("external_id_raw", as: String.self),
      acquisitionSource: try known(
        try row.decode(at: acquisitionSourcePosition, as: String.self), AcquisitionSource.self),
      createdAt: try row.decode(at: createdAtPosition, as: Date.self))
    contact.displayName = try cells.text("display_name")
    contact.fullName = try cells.text("full_name")
    contact.displayMobile = try cells.text("display_mobile")
    contact.displayEmail = try cells.text("display_email")
    contact.gender = GenderValues(
      manual: try cells.text("gender_manual").flatMap(Gender.init(rawValue:)),
      channel: try cells.text("gender_channel").flatMap(Gender.init(rawValue:)),
      predicted: try cells.text("gender_predicted").flatMap(Gender.init(rawValue:)))
    contact.birthday = try cells.next("birthday", as: PostgresDate?.self).flatMap {
      CalendarDate(year: $0.year, month: $0.month, day: $0.day)
    }
    contact.region = try cells.text("region").flatMap(Region.init(rawValue:))
    contact.city = try cells.text("city")
    contact.address = try cells.text("address")
    contact.company = try cells.text("company")
    contact.accountManager = try cells.text("account_manager")
    contact.memberLevel = try cells.text("member_level")
    contact.starMark = try cells.next("star_mark", as: Bool.self)
    contact.customerID = try cells.text("customer_id")
    contact.connectID = try cells.text("connect_id")
    contact.customFields = try object(cells.next("custom_fields", as: PostgresJSON.self))
    contact.note = try cells.text("note")
    contact.originalName = try cells.text("original_name")
    contact.avatarURL = try cells.text("avatar_url")
    contact.originalMobile = try cells.text("original_mobile")
    contact.originalEmail = try cells.text("original_email")
    contact.nameSyncState =
      try cells.text("name_sync_state").flatMap(NameSyncState.init(rawValue:)) ?? .notApplicable
    contact.lineFollowStatus = try cells.text("line_follow_status").flatMap(
      LineFollowStatus.init(rawValue:))
    contact.lineFollowStatusChangedAt = try cells.date("line_follow_status_changed_at")
    contact.emailStatus = try cells.text("email_status").flatMap(EmailStatus.init(rawValue:))
    contact.suppressionReason = try cells.text("suppression_reason").flatMap(
      SuppressionReason.init(rawValue:))
    contact.emailStatusChangedAt = try cells.date("email_status_changed_at")
    contact.softBounceStreak = Int(try cells.next("soft_bounce_streak", as: Int32.self))
    contact.consentSource = try cells.text("consent_source")
    contact.consentAt = try cells.date("consent_at")
    contact.whatsappStatus = try cells.text("whatsapp_status").flatMap(
      WhatsAppStatus.init(rawValue:))
    contact.whatsappStatusChangedAt = try cells.date("whatsapp_status_changed_at")
    contact.phoneStatus = try cells.text("phone_status").flatMap(PhoneStatus.init(rawValue:))
    contact.fbGender = try cells.text("fb_gender")
    contact.fbLastMessageAt = try cells.date("fb_last_message_at")
    contact.fbTimezone = try cells.text("fb_timezone")
    contact.fbLocale = try cells.text("fb_locale")
    contact.igName = try cells.text("ig_name")
    contact.igIsVerifiedUser = try cells.next("ig_is_verified_user", as: Bool?.self)
    contact.engagementLevel =
      try cells.text("engagement_level").flatMap(EngagementLevel.init(rawValue:)) ?? .lv1
    cells.skip("acquisition_source")
    contact.lastInteractionAt = try cells.date("last_interaction_at")
    let clocks: [String: Double] = try object(cells.next("field_clocks", as: PostgresJSON.self))
    contact.version = try cells.next("version", as: Int64.self)
    contact.cdhVersion = try cells.next("cdh_version", as: Int64.self)
    cells.skip("created_at")
    contact.updatedAt = try cells.next("updated_at", as: Date.self)
    contact.deletedAt = try cells.date("deleted_at")
    return (contact, clocks.mapValues { Date(timeIntervalSince1970: $0) })
  }

  private static let acquisitionSourcePosition = columns.firstIndex(of: "acquisition_source")!
  private static let createdAtPosition = columns.firstIndex(of: "created_at")!

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

    /// Passes over `column`'s cell (read out of order).
    mutating func skip(_ column: String) {
      assert(row.columns[position].name == column, "\(column) is not column \(position)")
      position += 1
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
