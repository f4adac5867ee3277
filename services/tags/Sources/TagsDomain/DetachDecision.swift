import Foundation

/// What `DetachTags` does with one (contact, tag) pair (T9).
public struct DetachDecision: Sendable, Hashable {
  /// Per-pair outcome.
  public let outcome: DetachOutcome
  /// Whether the direct row is removed.
  public let removesDirectRow: Bool
  /// Whether the contact keeps the tag through an inherited row.
  public let stillHasTag: Bool

  /// Decides the detach: only the direct row goes; inherited rows belong to CDH (T23).
  public static func decide(
    direct: ContactTagAssociation?, inherited: ContactTagAssociation?, at now: Date
  ) -> DetachDecision {
    let inheritedActive = inherited?.isActive(at: now) ?? false
    guard direct?.isActive(at: now) == true else {
      return DetachDecision(
        outcome: .notAttached, removesDirectRow: false, stillHasTag: inheritedActive)
    }
    return DetachDecision(outcome: .detached, removesDirectRow: true, stillHasTag: inheritedActive)
  }
}
