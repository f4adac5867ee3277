import Foundation

/// The attributes an organization may unify on (cdh.md §2.1, U2).
public enum UnifyAttribute: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
  case customID = "custom_id"
  case displayMobile = "display_mobile"
  case displayEmail = "display_email"
  case lineUID = "line_uid"
  case connectID = "connect_id"

  /// Dense position, used to index per-entity match values.
  public var ordinal: Int {
    switch self {
    case .customID: 0
    case .displayMobile: 1
    case .displayEmail: 2
    case .lineUID: 3
    case .connectID: 4
    }
  }

  public static func < (lhs: UnifyAttribute, rhs: UnifyAttribute) -> Bool {
    lhs.ordinal < rhs.ordinal
  }

  /// Parses a canonical name or one of the REST aliases of cdh.md §2.1 (O12).
  public init?(name: String) {
    let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
    switch lowered {
    case "custom_id", "customer_id": self = .customID
    case "display_mobile", "phone", "mobile": self = .displayMobile
    case "display_email", "email": self = .displayEmail
    case "line_uid", "line_id", "external_member_id": self = .lineUID
    case "connect_id": self = .connectID
    default: return nil
    }
  }

  /// The unify keys that `UnmergeMember` clears (U31): every key except `line_uid`.
  public static let clearedByUnmerge: [UnifyAttribute] = [
    .customID, .connectID, .displayEmail, .displayMobile,
  ]
}
