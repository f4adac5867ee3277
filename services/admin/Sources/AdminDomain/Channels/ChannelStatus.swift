/// The displayed status of a channel (CONVENTIONS.md "channel status"). Email channels compute
/// it (A18); other types store `connected` or `not_set`, set by Ops (Q13).
public enum ChannelStatus: String, Sendable, Hashable, CaseIterable, Codable {
  case notSet = "not_set"
  case connected
  case warning
  case suspended

  /// The statuses Ops may store on a non-email channel (Q13).
  public static let storable: [ChannelStatus] = [.connected, .notSet]
}
