/// LINE follow status (C51); `nil` on a contact means `unknown` (no follow-state event yet).
public enum LineFollowStatus: String, CaseIterable, Hashable, Sendable, Codable {
  case following
  case auth
  case blocked
}

/// Stored email messaging status (C36).
public enum EmailStatus: String, CaseIterable, Hashable, Sendable, Codable {
  case subscribed
  case unsubscribed
  case hardBounce = "hard_bounce"
  case spamReport = "spam_report"
  case suppressed

  /// What the UI shows (C36): hard bounce, spam report and suppressed are all "Suppressed".
  public var displayStatus: EmailDisplayStatus {
    switch self {
    case .subscribed: .subscribed
    case .unsubscribed: .unsubscribed
    case .hardBounce, .spamReport, .suppressed: .suppressed
    }
  }

  /// Values an import's `messaging_status` cell may carry (C35); `suppressed` is not one.
  public static let importable: [EmailStatus] = [
    .subscribed, .unsubscribed, .hardBounce, .spamReport,
  ]
}

/// Display group of an email status (C36).
public enum EmailDisplayStatus: String, Hashable, Sendable, Codable {
  case subscribed
  case unsubscribed
  case suppressed
}

/// Why an email contact is `suppressed` (C36, C38, C39).
public enum SuppressionReason: String, CaseIterable, Hashable, Sendable, Codable {
  case softBounce = "soft_bounce"
  case invalidDomain = "invalid_domain"
}

/// WhatsApp messaging status (C42, C44).
public enum WhatsAppStatus: String, CaseIterable, Hashable, Sendable, Codable {
  case optedIn = "opted_in"
  case optedOut = "opted_out"
  case notSubscribed = "not_subscribed"
}

/// SMS phone status; `nil` on a contact means unknown (reachable).
public enum PhoneStatus: String, CaseIterable, Hashable, Sendable, Codable {
  case valid
  case invalid
}

/// State of the LINE profile fetch (C33, C56).
public enum NameSyncState: String, CaseIterable, Hashable, Sendable, Codable {
  case notApplicable = "not_applicable"
  case syncing
  case synced
  case unavailable
}

/// Engagement level computed by analytics (C16); default `lv1`.
public enum EngagementLevel: String, CaseIterable, Hashable, Sendable, Codable {
  case lv1, lv2, lv3, lv4, lv5
}

/// How a contact first entered the product (§2.1); set once at creation.
public enum AcquisitionSource: String, CaseIterable, Hashable, Sendable, Codable {
  case bindingMessage = "binding_message"
  case notificationMessage = "notification_message"
  case lineFollow = "line_follow"
  case lineAuthorization = "line_authorization"
  case channelMessage = "channel_message"
  case `import`
  case api
}

/// Why a value changed (§1.5 "Origin").
public enum Origin: String, CaseIterable, Hashable, Sendable, Codable {
  case user
  case api
  case `import`
  case channel
  case system
  case cdh
}

/// Path through which a customer id was bound or unbound (C48).
public enum BindVia: String, CaseIterable, Hashable, Sendable, Codable {
  case ui
  case api
  case bindlink
  case liff
}
