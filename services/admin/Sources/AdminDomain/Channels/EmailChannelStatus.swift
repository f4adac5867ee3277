/// The displayed status of an email channel (A18), highest precedence first:
/// `suspended` when health is suspended; `not_set` without a verified sender profile;
/// `warning` when health is warning or a sender domain is not verified; else `connected`.
public enum EmailChannelStatus {
  public static func displayed(
    healthState: HealthState, hasVerifiedSenderProfile: Bool, allSenderDomainsVerified: Bool
  ) -> ChannelStatus {
    if healthState == .suspended { return .suspended }
    if !hasVerifiedSenderProfile { return .notSet }
    if healthState == .warning || !allSenderDomainsVerified { return .warning }
    return .connected
  }
}
