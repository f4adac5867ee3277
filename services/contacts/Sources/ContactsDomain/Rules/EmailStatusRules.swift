import Foundation

/// The irreversibility of email statuses (C37) and delivery outcomes (C38).
public enum EmailStatusRules {
  /// What happens when `requested` is asked for a contact currently in `current` (C37 table).
  public enum Transition: Hashable, Sendable {
    /// The status becomes `requested`.
    case set
    /// Already in `requested`; nothing changes.
    case noChange
    /// Refused: a non-subscribed status is final.
    case ignored
  }

  /// C37: a new contact takes any status; `subscribed` may move to any other; every
  /// non-subscribed status is final (first suppression reason wins).
  public static func transition(from current: EmailStatus?, to requested: EmailStatus) -> Transition
  {
    guard let current else { return .set }
    if current == requested { return .noChange }
    return current == .subscribed ? .set : .ignored
  }

  /// A delivery outcome reported by the email service (C38).
  public enum DeliveryOutcome: String, CaseIterable, Hashable, Sendable {
    case delivered
    case softBounce = "soft_bounce"
    case hardBounce = "hard_bounce"
    case spamReport = "spam_report"
    case unsubscribed
    /// A provider drop for an invalid address.
    case suppressed
  }

  /// Consecutive soft bounces that suppress an address (C38, §9 Q2).
  public static let softBounceLimit = 3

  /// The email state an outcome leads to.
  public struct State: Hashable, Sendable {
    public var status: EmailStatus?
    public var suppressionReason: SuppressionReason?
    public var softBounceStreak: Int

    public init(
      status: EmailStatus?, suppressionReason: SuppressionReason? = nil, softBounceStreak: Int = 0
    ) {
      self.status = status
      self.suppressionReason = suppressionReason
      self.softBounceStreak = softBounceStreak
    }
  }

  /// Applies `outcome` to `state` (C38): unsubscribe → unsubscribed, hard bounce → hard_bounce,
  /// spam report → spam_report, third consecutive soft bounce → suppressed(soft_bounce), invalid
  /// address drop → suppressed(invalid_domain), a delivery resets the streak. Only a subscribed
  /// contact changes status (C37).
  public static func apply(_ outcome: DeliveryOutcome, to state: State) -> State {
    var next = state
    func suppress(_ status: EmailStatus, _ reason: SuppressionReason? = nil) {
      if transition(from: state.status, to: status) == .set {
        next.status = status
        next.suppressionReason = reason
      }
    }
    switch outcome {
    case .delivered: next.softBounceStreak = 0
    case .softBounce:
      next.softBounceStreak += 1
      if next.softBounceStreak >= softBounceLimit { suppress(.suppressed, .softBounce) }
    case .hardBounce: suppress(.hardBounce)
    case .spamReport: suppress(.spamReport)
    case .unsubscribed: suppress(.unsubscribed)
    case .suppressed: suppress(.suppressed, .invalidDomain)
    }
    return next
  }
}

extension Contact {
  /// Applies a delivery outcome (C38) at `time`; returns whether the status changed.
  @discardableResult
  public mutating func applyEmailOutcome(_ outcome: EmailStatusRules.DeliveryOutcome, at time: Date)
    -> Bool
  {
    let before = EmailStatusRules.State(
      status: emailStatus, suppressionReason: suppressionReason, softBounceStreak: softBounceStreak)
    let after = EmailStatusRules.apply(outcome, to: before)
    emailStatus = after.status
    suppressionReason = after.suppressionReason
    softBounceStreak = after.softBounceStreak
    if after.status != before.status {
      emailStatusChangedAt = time
      return true
    }
    return false
  }
}
