import Foundation

/// One group of a counts snapshot: contacts of a type with one status and binding state.
public struct ContactCountGroup: Hashable, Sendable {
  public var channelType: ChannelType
  /// The type's own status (`nil` = unknown / none).
  public var status: String?
  public var bound: Bool
  public var count: Int64

  public init(channelType: ChannelType, status: String?, bound: Bool, count: Int64) {
    self.channelType = channelType
    self.status = status
    self.bound = bound
    self.count = count
  }
}

/// Live counts (C53, C71), computed from one snapshot so that parts add up to totals.
public struct ContactStats: Hashable, Sendable {
  public var asOf: Date
  public var total: Int64 = 0
  public var byChannelType: [ChannelType: Int64] = [:]
  public var lineFollowing: Int64 = 0
  public var lineAuth: Int64 = 0
  public var lineBlocked: Int64 = 0
  public var lineUnknown: Int64 = 0
  public var emailSubscribed: Int64 = 0
  public var emailUnsubscribed: Int64 = 0
  public var emailSuppressed: Int64 = 0
  public var whatsappOptedIn: Int64 = 0
  public var whatsappOptedOut: Int64 = 0
  public var whatsappNotSubscribed: Int64 = 0
  public var bound: Int64 = 0

  /// The product's "blocked" figure: auth + blocked (C53).
  public var lineBlockedIncludingAuth: Int64 { lineAuth + lineBlocked }

  public init(asOf: Date, groups: [ContactCountGroup]) {
    self.asOf = asOf
    for group in groups {
      total += group.count
      byChannelType[group.channelType, default: 0] += group.count
      if group.bound { bound += group.count }
      switch group.channelType {
      case .line:
        switch group.status.flatMap(LineFollowStatus.init(rawValue:)) {
        case .following: lineFollowing += group.count
        case .auth: lineAuth += group.count
        case .blocked: lineBlocked += group.count
        case nil: lineUnknown += group.count
        }
      case .email:
        switch group.status.flatMap(EmailStatus.init(rawValue:))?.displayStatus {
        case .subscribed: emailSubscribed += group.count
        case .unsubscribed: emailUnsubscribed += group.count
        case .suppressed, nil: emailSuppressed += group.count
        }
      case .whatsapp:
        switch group.status.flatMap(WhatsAppStatus.init(rawValue:)) {
        case .optedIn: whatsappOptedIn += group.count
        case .optedOut: whatsappOptedOut += group.count
        case .notSubscribed, nil: whatsappNotSubscribed += group.count
        }
      case .sms, .facebook, .instagram: break
      }
    }
  }
}
