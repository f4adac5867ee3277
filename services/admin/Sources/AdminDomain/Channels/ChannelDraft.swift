/// A channel as an operator describes it (CreateChannel, a provisioning document entry),
/// not yet validated. Nil means "not given".
public struct ChannelDraft: Sendable, Hashable {
  public var type: ChannelType?
  public var name: String?
  /// Optional RFC 4122 uuid; generated when nil.
  public var uuid: String?
  /// Email: the brand domain (the default). LINE: the provider's channel id.
  public var externalChannelID: String?
  /// Nil means true.
  public var enabled: Bool?
  /// LINE only; nil or 0 means none.
  public var legacyBotID: Int64?
  /// Non-email only: `connected` or `not_set`; nil means `not_set`. Email status is computed.
  public var status: ChannelStatus?
  /// Required for, and only allowed on, email channels.
  public var email: EmailSettingsDraft?
  /// Optional initial credentials of the channel's type.
  public var credentials: CredentialsDraft?

  public init(
    type: ChannelType? = nil, name: String? = nil, uuid: String? = nil,
    externalChannelID: String? = nil, enabled: Bool? = nil, legacyBotID: Int64? = nil,
    status: ChannelStatus? = nil, email: EmailSettingsDraft? = nil,
    credentials: CredentialsDraft? = nil
  ) {
    self.type = type
    self.name = name
    self.uuid = uuid
    self.externalChannelID = externalChannelID
    self.enabled = enabled
    self.legacyBotID = legacyBotID
    self.status = status
    self.email = email
    self.credentials = credentials
  }

  /// The longest channel name and external channel id accepted (admin.proto).
  public static let maxNameCharacters = 255
  public static let maxExternalChannelIDCharacters = 255

  /// Validates every field, recording each violation under `path`; returns the channel to
  /// create when all fields are valid.
  public func validated(at path: FieldPath, into violations: inout ViolationCollector)
    -> NewChannel?
  {
    let before = violations.violations.count
    if type == nil {
      violations.add(
        path.member("type"),
        "is required (one of " + ChannelType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
    }
    let name = TextRules.requiredText(
      name, at: path.member("name"), maxCharacters: Self.maxNameCharacters, into: &violations)
    let uuid = ResourceUUID.optional(uuid, at: path.member("uuid"), into: &violations)
    var externalChannelID: String?
    if let given = self.externalChannelID, !given.isEmpty {
      externalChannelID = TextRules.requiredText(
        given, at: path.member("external_channel_id"),
        maxCharacters: Self.maxExternalChannelIDCharacters, into: &violations)
    }
    if let legacyBotID, legacyBotID < 0 {
      violations.add(path.member("legacy_bot_id"), "must be a positive id (0 or absent = none)")
    }
    guard let type else { return nil }

    if type != .line, let legacyBotID, legacyBotID != 0 {
      violations.add(path.member("legacy_bot_id"), "is only allowed on line channels")
    }
    var storedStatus: ChannelStatus?
    var emailSettings: EmailSettings?
    if type == .email {
      if status != nil {
        violations.add(
          path.member("status"), "must not be set on an email channel: its status is computed")
      }
      if let email {
        emailSettings = validatedEmail(email, at: path.member("email"), into: &violations)
      } else {
        violations.add(path.member("email.brand_domain"), "is required for an email channel")
      }
    } else {
      if let status, !ChannelStatus.storable.contains(status) {
        violations.add(
          path.member("status"),
          "must be connected or not_set on a \(type.rawValue) channel (got \(status.rawValue))")
      }
      storedStatus = status ?? .notSet
      if email != nil {
        violations.add(path.member("email"), "is only allowed on email channels")
      }
    }
    let credentials = self.credentials?.validated(
      for: type, at: path.member("credentials"), into: &violations)

    guard violations.violations.count == before, let name else { return nil }
    return NewChannel(
      type: type, name: name, uuid: uuid,
      externalChannelID: externalChannelID ?? emailSettings?.brandDomain,
      enabled: enabled ?? true, legacyBotID: legacyBotID == 0 ? nil : legacyBotID,
      storedStatus: storedStatus, email: emailSettings, credentials: credentials)
  }

  /// Validates the draft on its own (CreateChannel).
  public func validated() throws(ValidationFailure) -> NewChannel {
    var violations = ViolationCollector()
    let channel = validated(at: .root, into: &violations)
    try violations.throwIfAny()
    return channel!
  }

  private func validatedEmail(
    _ email: EmailSettingsDraft, at path: FieldPath, into violations: inout ViolationCollector
  ) -> EmailSettings? {
    guard let brandDomain = email.brandDomain, !brandDomain.isEmpty else {
      violations.add(path.member("brand_domain"), "is required for an email channel")
      return nil
    }
    if let problem = DomainName.problem(with: brandDomain) {
      violations.add(path.member("brand_domain"), problem)
      return nil
    }
    return EmailSettings(brandDomain: brandDomain, provider: email.provider ?? .sendgrid)
  }
}
