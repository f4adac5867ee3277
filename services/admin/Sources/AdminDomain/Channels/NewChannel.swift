/// A validated channel, ready to be stored. Defaults are applied: enabled, `not_set` for
/// non-email types, the brand domain as an email channel's external channel id, SendGrid.
public struct NewChannel: Sendable, Hashable {
  public var type: ChannelType
  public var name: String
  /// Canonical lower-case uuid, or nil to let storage generate one.
  public var uuid: String?
  public var externalChannelID: String?
  public var enabled: Bool
  /// LINE only.
  public var legacyBotID: Int64?
  /// The status Ops stored; nil for email channels, whose status is computed (A18).
  public var storedStatus: ChannelStatus?
  /// Present exactly for email channels.
  public var email: EmailSettings?
  /// Stored server-side, never returned publicly (A22).
  public var credentials: ChannelCredentials?

  public init(
    type: ChannelType, name: String, uuid: String?, externalChannelID: String?, enabled: Bool,
    legacyBotID: Int64?, storedStatus: ChannelStatus?, email: EmailSettings?,
    credentials: ChannelCredentials?
  ) {
    self.type = type
    self.name = name
    self.uuid = uuid
    self.externalChannelID = externalChannelID
    self.enabled = enabled
    self.legacyBotID = legacyBotID
    self.storedStatus = storedStatus
    self.email = email
    self.credentials = credentials
  }
}
