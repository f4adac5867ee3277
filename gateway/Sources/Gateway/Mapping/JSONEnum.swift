/// One proto enum as the specs write it in JSON (`contacts.md` §5: "enums are lower-case
/// strings"): the value name without the type's prefix, in lower case (`CHANNEL_TYPE_EMAIL` ↔
/// `email`).
///
/// The allowed values are listed explicitly, so bad input is refused naming the field and the
/// values it accepts, before the request reaches a service.
public struct JSONEnum: Sendable, Hashable {
  /// The proto value prefix, e.g. `CHANNEL_TYPE_`.
  public let prefix: String
  /// The external (lower-case) names, in proto order, without `unspecified`.
  public let values: [String]
  /// External name → proto value name.
  private let toProto: [String: String]
  /// Proto value name without the prefix → external name.
  private let toExternal: [String: String]

  /// - Parameters:
  ///   - prefix: the proto value prefix (`CHANNEL_TYPE_`).
  ///   - values: the lower-case names, space separated (`"line facebook email"`); a name the
  ///     spec spells differently from the proto is written `name=PROTO_SUFFIX`
  ///     (`"completed=SUCCEEDED"`).
  public init(_ prefix: String, _ values: String) {
    self.prefix = prefix
    var names: [String] = []
    var toProto: [String: String] = [:]
    var toExternal: [String: String] = [:]
    for token in values.split(separator: " ") {
      let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
      let external = parts[0]
      let suffix = parts.count == 2 ? parts[1] : external.uppercased()
      names.append(external)
      toProto[external] = prefix + suffix
      toExternal[suffix] = external
    }
    self.values = names
    self.toProto = toProto
    self.toExternal = toExternal
  }

  /// The external name of a proto value name, or `nil` for the `_UNSPECIFIED` default.
  /// A value the table does not list (a newer proto) is written by the plain rule.
  func external<S: StringProtocol>(_ protoName: S) -> String? {
    guard protoName.hasPrefix(prefix) else { return nil }
    let suffix = String(protoName.dropFirst(prefix.count))
    if let external = toExternal[suffix] { return external }
    return suffix == "UNSPECIFIED" ? nil : suffix.lowercased()
  }

  /// The proto value name of an external name, or `nil` when the enum has no such value.
  func proto(_ external: String) -> String? { toProto[external] }

  /// The reason given for a value the enum does not have.
  var mustBeOneOf: String { "must be one of " + values.joined(separator: ", ") }
}

/// Enum fields of one message by dotted JSON path (`"line.follow_status"`; array elements
/// take their field's path), relative to the message a route sends or receives.
public typealias EnumPaths = [String: JSONEnum]

extension Dictionary where Key == String, Value == JSONEnum {
  /// The same fields under `field` (e.g. a Contact's fields under `contacts` of a search).
  public func under(_ field: String) -> EnumPaths {
    Dictionary(uniqueKeysWithValues: map { ("\(field).\($0.key)", $0.value) })
  }
}

// MARK: The enums of the routed services

extension JSONEnum {
  // maac.common.v1
  static let channelType = JSONEnum(
    "CHANNEL_TYPE_", "line facebook instagram whatsapp sms email")
  static let channelStatus = JSONEnum(
    "CHANNEL_STATUS_", "not_set connected warning suspended")
  /// Task status as contacts (§2.5, §2.6) and CDH (§2.2) write it.
  static let taskStatus = JSONEnum(
    "TASK_STATUS_", "pending running completed=SUCCEEDED failed canceled")
  /// Task status as tags writes it (`tags.md` §2, T18).
  static let bulkJobStatus = JSONEnum(
    "TASK_STATUS_", "queued=PENDING running succeeded failed cancelled=CANCELED")
  static let gender = JSONEnum("GENDER_", "female male others unknown")
  static let lineStatus = JSONEnum("LINE_STATUS_", "following auth blocked unknown")
  static let emailStatus = JSONEnum(
    "EMAIL_STATUS_", "subscribed unsubscribed hard_bounce spam_report suppressed")
  static let whatsAppStatus = JSONEnum(
    "WHATSAPP_STATUS_", "opted_in not_subscribed opted_out")
  static let tagSource = JSONEnum("TAG_SOURCE_", "maac caac")
  static let engagementLevel = JSONEnum("ENGAGEMENT_LEVEL_", "lv1 lv2 lv3 lv4 lv5")

  // maac.contacts.v1
  static let suppressionReason = JSONEnum("SUPPRESSION_REASON_", "soft_bounce invalid_domain")
  static let emailDisplayStatus = JSONEnum(
    "EMAIL_DISPLAY_STATUS_", "subscribed unsubscribed suppressed")
  static let phoneStatus = JSONEnum("PHONE_STATUS_", "unknown valid invalid")
  static let genderSource = JSONEnum("GENDER_SOURCE_", "default manual channel predicted")
  static let nameSource = JSONEnum(
    "NAME_SOURCE_", "display_name original_name placeholder_syncing placeholder_unnamed")
  static let nameSyncState = JSONEnum(
    "NAME_SYNC_STATE_", "not_applicable syncing synced unavailable")
  static let acquisitionSource = JSONEnum(
    "ACQUISITION_SOURCE_",
    "binding_message notification_message line_follow line_authorization channel_message import api"
  )
  static let contactOrigin = JSONEnum("ORIGIN_", "user api import channel system cdh")
  static let bindVia = JSONEnum("BIND_VIA_", "ui api bindlink liff")
  static let importTarget = JSONEnum("IMPORT_TARGET_", "line email whatsapp")
  static let importKey = JSONEnum("IMPORT_KEY_", "line_uid phone customer_id email")
  static let importSource = JSONEnum("IMPORT_SOURCE_", "ui api")
  static let rowOutcome = JSONEnum("ROW_OUTCOME_", "created updated skipped failed")

  // maac.tags.v1
  static let createdVia = JSONEnum("CREATED_VIA_", "maac caac api")
  static let taggedVia = JSONEnum(
    "TAGGED_VIA_",
    "manual bulk_update import open_api deep_link message_link broadcast_click auto_reply")
  static let tagStatus = JSONEnum("TAG_STATUS_", "active expired deleted")
  static let tagSortBy = JSONEnum("TAG_SORT_BY_", "member_count created_at name updated_at")
  static let sortOrder = JSONEnum("SORT_ORDER_", "desc asc")
  static let deleteOutcome = JSONEnum(
    "DELETE_OUTCOME_", "deleted already_deleted not_found managed_by_other_source")
  static let tagOrigin = JSONEnum("ORIGIN_", "direct inherited")
  static let refType = JSONEnum("REF_TYPE_", "none cdh cdh_inherited")
  static let removeReason = JSONEnum(
    "REMOVE_REASON_",
    "manual bulk_update open_api journey expired tag_deleted contact_deleted cdh_sync unmerge")
  static let expiryMode = JSONEnum("MODE_", "none relative absolute")
  static let tagAction = JSONEnum("ACTION_", "add remove")
  static let coverageState = JSONEnum("STATE_", "computed missing")
  static let bulkAction = JSONEnum("BULK_ACTION_", "add remove")

  // maac.cdh.v1
  static let unifyAttribute = JSONEnum(
    "UNIFY_ATTRIBUTE_", "custom_id display_mobile display_email line_uid connect_id")
  static let reunifyTrigger = JSONEnum(
    "REUNIFY_TRIGGER_", "settings_change scope_change disconnect admin_resync")

  // maac.admin.v1
  static let region = JSONEnum("REGION_", "tw th jp")
  static let domainStatus = JSONEnum("DOMAIN_STATUS_", "verified warning failed")
  static let checkStatus = JSONEnum("CHECK_STATUS_", "pass fail")
  static let profileStatus = JSONEnum("PROFILE_STATUS_", "verified unverified")
}
