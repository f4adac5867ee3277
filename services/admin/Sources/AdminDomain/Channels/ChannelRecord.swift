import Foundation

/// Everything admin center stores about one channel, including its credentials when they
/// were loaded. Internal: public answers are built from `ChannelView`, which has no place for
/// credentials (A22).
public struct ChannelRecord: Sendable, Hashable {
  public var id: Int64
  public var organizationID: Int64
  public var uuid: String
  public var name: String
  public var type: ChannelType
  /// Non-email channels: the status Ops stored (Q13). Nil for email channels.
  public var storedStatus: ChannelStatus?
  public var externalChannelID: String?
  public var enabled: Bool
  public var legacyBotID: Int64?
  public var createdAt: Date
  public var updatedAt: Date
  /// Email channels only.
  public var email: EmailChannelState?
  /// Nil when not stored or not loaded.
  public var credentials: ChannelCredentials?

  public init(
    id: Int64, organizationID: Int64, uuid: String, name: String, type: ChannelType,
    storedStatus: ChannelStatus?, externalChannelID: String?, enabled: Bool,
    legacyBotID: Int64?, createdAt: Date, updatedAt: Date, email: EmailChannelState?,
    credentials: ChannelCredentials?
  ) {
    self.id = id
    self.organizationID = organizationID
    self.uuid = uuid
    self.name = name
    self.type = type
    self.storedStatus = storedStatus
    self.externalChannelID = externalChannelID
    self.enabled = enabled
    self.legacyBotID = legacyBotID
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.email = email
    self.credentials = credentials
  }

  /// The displayed status: computed for email channels (A18), stored for the others.
  public var status: ChannelStatus {
    guard type == .email else { return storedStatus ?? .notSet }
    let email = self.email ?? EmailChannelState(brandDomain: "", provider: .sendgrid)
    return EmailChannelStatus.displayed(
      healthState: email.healthState, hasVerifiedSenderProfile: email.hasVerifiedSenderProfile,
      allSenderDomainsVerified: email.allSenderDomainsVerified)
  }
}

/// The stored state of an email channel that its status and public view depend on.
public struct EmailChannelState: Sendable, Hashable {
  public var brandDomain: String
  public var provider: EmailProvider
  public var healthState: HealthState
  /// Sender profiles arrive with the email-onboarding part; until then none is verified.
  public var hasVerifiedSenderProfile: Bool
  public var allSenderDomainsVerified: Bool

  public init(
    brandDomain: String, provider: EmailProvider, healthState: HealthState = .normal,
    hasVerifiedSenderProfile: Bool = false, allSenderDomainsVerified: Bool = true
  ) {
    self.brandDomain = brandDomain
    self.provider = provider
    self.healthState = healthState
    self.hasVerifiedSenderProfile = hasVerifiedSenderProfile
    self.allSenderDomainsVerified = allSenderDomainsVerified
  }
}
