/// Email settings given when an email channel is created (spec §3.3), not yet validated.
public struct EmailSettingsDraft: Sendable, Hashable {
  /// Required: lower-case FQDN, e.g. `example.com`.
  public var brandDomain: String?
  /// Nil means SendGrid.
  public var provider: EmailProvider?

  public init(brandDomain: String? = nil, provider: EmailProvider? = nil) {
    self.brandDomain = brandDomain
    self.provider = provider
  }
}

/// Validated email settings of an email channel.
public struct EmailSettings: Sendable, Hashable {
  /// Lower-case FQDN; every sender domain equals it or ends with "." + it (A11).
  public var brandDomain: String
  public var provider: EmailProvider

  public init(brandDomain: String, provider: EmailProvider) {
    self.brandDomain = brandDomain
    self.provider = provider
  }
}
