import Foundation

/// What counts as "last interaction" (C57) and how it moves (C58).
public enum InteractionKind: String, CaseIterable, Hashable, Sendable {
  case inboundMessage = "inbound_message"
  case autoReplyTriggered = "auto_reply_triggered"
  case rapidFanGrowth = "rapid_fan_growth"
  case prizeRedemption = "prize_redemption"
  case linkClick = "link_click"
  case broadcastDelivered = "broadcast_delivered"
  case richMenuSwitch = "rich_menu_switch"
  case other

  /// Only direct interactions with platform features move `last_interaction_at` (C57).
  public var counts: Bool { self == .inboundMessage || self == .autoReplyTriggered }
}

public enum InteractionRules {
  /// How far in the future `occurred_at` may be (clock skew of the caller) (C58).
  public static let futureTolerance: TimeInterval = 5 * 60

  /// The new `last_interaction_at` after an interaction (C57, C58): the maximum of the stored
  /// value and `occurredAt` for counting kinds; unchanged otherwise. `counted` tells whether the
  /// interaction moved the value.
  public static func apply(
    _ kind: InteractionKind, occurredAt: Date, to current: Date?, now: Date
  ) throws(DomainError) -> (lastInteractionAt: Date?, counted: Bool) {
    if occurredAt > now.addingTimeInterval(futureTolerance) {
      throw .invalid(
        .occurredAtInFuture, field: "occurred_at",
        "occurred_at is more than 5 minutes in the future")
    }
    guard kind.counts else { return (current, false) }
    guard let current else { return (occurredAt, true) }
    return occurredAt > current ? (occurredAt, true) : (current, false)
  }
}
