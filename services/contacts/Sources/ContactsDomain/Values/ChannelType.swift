/// The channel a contact lives on (C1). Raw values are the wire spellings (admin center's names).
public enum ChannelType: String, CaseIterable, Hashable, Sendable, Codable {
  case line
  case facebook
  case instagram
  case whatsapp
  case email
  case sms

  /// Every type but `sms` belongs to an admin-center channel; `sms` contacts may have none.
  public var requiresChannel: Bool { self != .sms }

  /// The `status:<channel>` history field of this type's own status, when it has one.
  public var statusHistoryField: String? {
    switch self {
    case .line: "status:line"
    case .email: "status:email"
    case .whatsapp: "status:whatsapp"
    case .sms: "status:sms"
    case .facebook, .instagram: nil
    }
  }
}
