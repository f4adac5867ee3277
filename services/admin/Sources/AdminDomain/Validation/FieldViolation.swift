/// One reason why an input was refused: the field (as a path such as
/// `organizations[0].channels[2].email.brand_domain`) and why.
public struct FieldViolation: Sendable, Hashable, CustomStringConvertible {
  /// Path of the offending field, relative to the validated input.
  public var field: String
  /// Human-readable reason, never containing a secret value.
  public var reason: String

  public init(field: String, reason: String) {
    self.field = field
    self.reason = reason
  }

  public var description: String { "\(field): \(reason)" }
}

/// An input refused for one or more reasons; every violation found is listed, not just the
/// first.
public struct ValidationFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// Every violation, in the order they were found (document order).
  public var violations: [FieldViolation]

  public init(_ violations: [FieldViolation]) {
    self.violations = violations
  }

  public var description: String {
    violations.map(\.description).joined(separator: "; ")
  }
}
