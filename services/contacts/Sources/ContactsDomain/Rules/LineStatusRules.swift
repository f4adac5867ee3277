/// LINE follow-status transitions driven by channel events (C51, C52).
public enum LineStatusRules {
  /// A LINE event that may change the follow status.
  public enum Event: Hashable, Sendable {
    case follow
    case unfollow
    case message
    case postback
    case authorization
  }

  /// The status after `event`, given the current one (`nil` = unknown or a new contact).
  public static func status(after event: Event, current: LineFollowStatus?) -> LineFollowStatus? {
    switch event {
    case .follow, .message, .postback: .following
    case .unfollow: .blocked
    // Authorising does not make a friend: only unknown/new contacts become `auth` (§9 Q13).
    case .authorization: current == nil ? .auth : current
    }
  }
}
