import Foundation

/// One column of a contacts export (C75).
public enum ExportColumn: Hashable, Sendable {
  case lineUID, phone, customerID, name, email, note, tags, gender, birthday, messagingStatus,
    whatsappMobile
  case customField(CustomFieldDefinition)
  case contactID, contactType, channelID, externalMemberID, originalName, lineFollowStatus,
    emailStatus
  case whatsappStatus, createdAt, lastInteractionAt

  /// The header: the import template name wherever one exists, so an export can be edited and
  /// re-imported (C75).
  public var header: String {
    switch self {
    case .lineUID: "line_uid"
    case .phone: "phone"
    case .customerID: "customer_id"
    case .name: "name"
    case .email: "email"
    case .note: "note"
    case .tags: "tags"
    case .gender: "gender"
    case .birthday: "birthday"
    case .messagingStatus: "messaging_status"
    case .whatsappMobile: "WhatsApp_mobile"
    case .customField(let definition): definition.label
    case .contactID: "contact_id"
    case .contactType: "contact_type"
    case .channelID: "channel_id"
    case .externalMemberID: "external_member_id"
    case .originalName: "original_name"
    case .lineFollowStatus: "line_follow_status"
    case .emailStatus: "email_status"
    case .whatsappStatus: "whatsapp_status"
    case .createdAt: "created_at"
    case .lastInteractionAt: "last_interaction_at"
    }
  }
}

/// Contacts exports (C75).
public enum ContactExport {
  static let editable: [ExportColumn] = [
    .lineUID, .phone, .customerID, .name, .email, .note, .tags, .gender, .birthday,
    .messagingStatus,
    .whatsappMobile,
  ]
  static let readOnly: [ExportColumn] = [
    .contactID, .contactType, .channelID, .externalMemberID, .originalName, .lineFollowStatus,
    .emailStatus,
    .whatsappStatus, .createdAt, .lastInteractionAt,
  ]

  /// Every exportable column, or the requested ones by header (unknown → `UNKNOWN_FIELD`).
  public static func columns(requested: [String], customFields: [CustomFieldDefinition])
    throws(DomainError)
    -> [ExportColumn]
  {
    let all = editable + customFields.map(ExportColumn.customField) + readOnly
    guard !requested.isEmpty else { return all }
    let byHeader = Dictionary(all.map { ($0.header, $0) }, uniquingKeysWith: { first, _ in first })
    var result: [ExportColumn] = []
    for (index, name) in requested.enumerated() {
      guard let column = byHeader[Text.normalize(name)] else {
        throw .invalid(.unknownField, field: "columns[\(index)]", "\(name) is not an export column")
      }
      if !result.contains(column) { result.append(column) }
    }
    return result
  }

  /// The cells of one contact. Identifiers are never fabricated: a non-LINE contact has an
  /// empty `line_uid` (C75).
  public static func cells(of contact: Contact, columns: [ExportColumn], tags: [String] = [])
    -> [String]
  {
    columns.map { column in
      switch column {
      case .lineUID: contact.lineUID ?? ""
      case .phone: contact.displayMobile ?? ""
      case .customerID: contact.customerID ?? ""
      case .name: contact.displayName ?? ""
      case .email:
        contact.channelType == .email ? contact.externalIDRaw : contact.displayEmail ?? ""
      case .note: contact.note ?? ""
      case .tags: tags.joined(separator: ",")
      case .gender: contact.gender.resolved.gender.rawValue
      case .birthday: contact.birthday?.description ?? ""
      case .messagingStatus:
        switch contact.channelType {
        case .email: contact.emailStatus?.rawValue ?? ""
        case .whatsapp: contact.whatsappStatus?.rawValue ?? ""
        default: ""
        }
      case .whatsappMobile: contact.channelType == .whatsapp ? contact.externalID : ""
      case .customField(let definition): contact.customFields[definition.key] ?? ""
      case .contactID: String(contact.id)
      case .contactType: contact.channelType.rawValue
      case .channelID: contact.channelID.map(String.init) ?? ""
      case .externalMemberID: contact.externalIDRaw
      case .originalName: contact.originalName ?? ""
      case .lineFollowStatus:
        contact.channelType == .line ? (contact.lineFollowStatus?.rawValue ?? "unknown") : ""
      case .emailStatus: contact.emailStatus?.rawValue ?? ""
      case .whatsappStatus: contact.whatsappStatus?.rawValue ?? ""
      case .createdAt: Timestamps.format(contact.createdAt)
      case .lastInteractionAt: contact.lastInteractionAt.map(Timestamps.format) ?? ""
      }
    }
  }
}
