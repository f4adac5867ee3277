import Foundation

/// Attributes only the analytics pipeline writes (C11, C16).
public enum SystemAttributes {
  /// Sets the engagement level and/or the predicted gender. A predicted gender never replaces a
  /// manual or channel one in the displayed value (C11).
  public static func apply(
    engagementLevel: EngagementLevel?, predictedGender: Gender?, to contact: Contact, now: Date
  ) -> Contact {
    var next = contact
    if let engagementLevel { next.engagementLevel = engagementLevel }
    if let predictedGender { next.gender.predicted = predictedGender }
    if next != contact { next.updatedAt = now }
    return next
  }
}

/// Soft deletion (C76).
public enum DeletionRules {
  /// The deleted contact, or `nil` when it was already deleted (a no-op that answers OK).
  public static func delete(_ contact: Contact, at time: Date) -> Contact? {
    guard contact.deletedAt == nil else { return nil }
    var next = contact
    next.deletedAt = time
    next.updatedAt = time
    return next
  }
}
