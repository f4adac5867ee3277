/// The kinds of channel an organization connects (CONVENTIONS.md "channel type").
public enum ChannelType: String, Sendable, Hashable, CaseIterable, Codable {
  case line
  case facebook
  case instagram
  case whatsapp
  case sms
  case email

  /// The credential set a channel of this type stores (Facebook and Instagram share Meta's).
  public var credentialKind: CredentialKind {
    switch self {
    case .line: .line
    case .facebook, .instagram: .meta
    case .whatsapp: .whatsapp
    case .sms: .sms
    case .email: .email
    }
  }
}
