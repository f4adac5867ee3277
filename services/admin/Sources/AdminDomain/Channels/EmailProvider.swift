/// The DNS-validation and sending provider behind an email channel (spec §3.3, §7).
public enum EmailProvider: String, Sendable, Hashable, CaseIterable, Codable {
  /// SendGrid, the provider of the sources; the default.
  case sendgrid
  /// The local stand-in (spec §7.3): no network access.
  case stub
}
