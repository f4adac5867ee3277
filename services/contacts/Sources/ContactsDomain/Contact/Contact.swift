import Foundation

/// One contact: one identity on one channel (C1), with its profile, channel data, statuses and
/// system information (§2.1, §2.2). A plain value; storage maps it to a row.
public struct Contact: Hashable, Sendable {
  /// Server-assigned; 0 until stored.
  public var id: Int64
  public var organizationID: Int64
  /// Immutable (C2).
  public var channelType: ChannelType
  /// `nil` only for `sms` contacts without a channel.
  public var channelID: Int64?
  /// The channel primary key, normalised for matching (E.164, lower-case email, UID, ids).
  public var externalID: String
  /// The primary key as first received (keeps an email address's case); `external_member_id`.
  public var externalIDRaw: String

  // Contact-level profile (merged by CDH).
  public var displayName: String?
  public var fullName: String?
  public var displayMobile: String?
  public var displayEmail: String?
  public var gender: GenderValues
  public var birthday: CalendarDate?
  public var region: Region?
  public var city: String?
  public var address: String?
  public var company: String?
  public var accountManager: String?
  public var memberLevel: String?
  public var starMark: Bool
  public var customerID: String?
  public var connectID: String?
  /// Custom-field key → value (C15).
  public var customFields: [String: String]

  // Entity-level.
  /// ≤ 2,048 characters; never merged (C13).
  public var note: String?
  public var originalName: String?
  public var avatarURL: String?
  public var originalMobile: String?
  public var originalEmail: String?
  public var nameSyncState: NameSyncState

  // Per-channel status (§2.2).
  public var lineFollowStatus: LineFollowStatus?
  public var lineFollowStatusChangedAt: Date?
  public var emailStatus: EmailStatus?
  public var suppressionReason: SuppressionReason?
  public var emailStatusChangedAt: Date?
  public var softBounceStreak: Int
  public var consentSource: String?
  public var consentAt: Date?
  public var whatsappStatus: WhatsAppStatus?
  public var whatsappStatusChangedAt: Date?
  public var phoneStatus: PhoneStatus?

  // Facebook / Instagram attributes, stored not displayed.
  public var fbGender: String?
  public var fbLastMessageAt: Date?
  public var fbTimezone: String?
  public var fbLocale: String?
  public var igName: String?
  public var igIsVerifiedUser: Bool?

  // System information.
  public var engagementLevel: EngagementLevel
  public var acquisitionSource: AcquisitionSource
  public var lastInteractionAt: Date?
  /// Join time: first creation in the product, never changes (C59).
  public var createdAt: Date
  public var updatedAt: Date
  /// Per-contact change counter (`source_version` in events).
  public var version: Int64
  /// Last CDH broadcast version applied (C49).
  public var cdhVersion: Int64
  /// Soft deletion (C76).
  public var deletedAt: Date?

  /// A new contact of `channelType` with every optional field unset.
  public init(
    id: Int64 = 0, organizationID: Int64, channelType: ChannelType, channelID: Int64?,
    externalID: String, externalIDRaw: String? = nil, acquisitionSource: AcquisitionSource,
    createdAt: Date
  ) {
    self.id = id
    self.organizationID = organizationID
    self.channelType = channelType
    self.channelID = channelID
    self.externalID = externalID
    self.externalIDRaw = externalIDRaw ?? externalID
    self.gender = GenderValues()
    self.starMark = false
    self.customFields = [:]
    self.nameSyncState = .notApplicable
    self.softBounceStreak = 0
    self.engagementLevel = .lv1
    self.acquisitionSource = acquisitionSource
    self.createdAt = createdAt
    self.updatedAt = createdAt
    self.version = 1
    self.cdhVersion = 0
    // The primary key of sms / whatsapp / email contacts is also their display value (§2.1).
    switch channelType {
    case .sms, .whatsapp: self.displayMobile = externalID
    case .email: self.displayEmail = self.externalIDRaw
    case .line, .facebook, .instagram: break
    }
  }
}

extension Contact {
  /// A bound contact has a non-empty customer id (C47).
  public var isBound: Bool { !(customerID ?? "").isEmpty }

  /// Whether a message on the contact's own channel may be sent (C36, C44, C53, §2.3).
  public var reachable: Bool {
    switch channelType {
    case .line: lineFollowStatus == .following
    case .email: emailStatus == .subscribed
    case .whatsapp: whatsappStatus == .optedIn
    case .sms: phoneStatus != .invalid
    case .facebook, .instagram: true
    }
  }

  /// WhatsApp contacts not opted in need a signed risk acceptance (C44).
  public var requiresRiskAcceptance: Bool {
    channelType == .whatsapp && whatsappStatus != .optedIn
  }

  /// The LINE UID of a LINE contact (empty for other types; never fabricated, C75).
  public var lineUID: String? { channelType == .line ? externalID : nil }

  /// The name to show (C45).
  public var resolvedName: ResolvedName {
    ResolvedName.resolve(
      displayName: displayName, originalName: originalName, syncState: nameSyncState)
  }

  /// Age in whole years on `today` (C10).
  public func age(on today: CalendarDate) -> Int? { birthday?.age(on: today) }
}
