/// Sticky health state of an email channel (A16, A17). New email channels start `normal`.
public enum HealthState: String, Sendable, Hashable, CaseIterable, Codable {
  case normal
  case warning
  case suspended
}
