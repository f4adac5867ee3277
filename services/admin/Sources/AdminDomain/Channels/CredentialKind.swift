/// The credential sets admin center stores, one per platform (internal.proto
/// `ChannelCredentials`). Facebook and Instagram channels both hold Meta credentials.
public enum CredentialKind: String, Sendable, Hashable, CaseIterable, Codable {
  case line
  case meta
  case whatsapp
  case sms
  case email

  /// One field of a credential set.
  public struct Field: Sendable, Hashable {
    /// The field's name in the provisioning document and the protobuf message.
    public var name: String
    /// Whether a credential set of this kind must carry the field.
    public var required: Bool
    public var format: CredentialFormat
  }

  /// The fields of this kind, in protobuf order. Which are required follows what the
  /// platform's adapter needs to call it and to verify its webhooks.
  public var fields: [Field] {
    switch self {
    case .line:
      [
        Field(name: "channel_secret", required: true, format: .lowerHex32),
        Field(name: "channel_access_token", required: true, format: .token),
      ]
    case .meta:
      [
        Field(name: "access_token", required: true, format: .token),
        Field(name: "app_secret", required: true, format: .lowerHex32),
      ]
    case .whatsapp:
      [
        Field(name: "phone_number_id", required: true, format: .numericID),
        Field(name: "business_account_id", required: true, format: .numericID),
        Field(name: "access_token", required: true, format: .token),
        Field(name: "app_secret", required: true, format: .lowerHex32),
      ]
    case .sms:
      [
        Field(name: "provider", required: true, format: .slug),
        Field(name: "api_key", required: true, format: .token),
        Field(name: "sender_id", required: true, format: .smsSender),
      ]
    case .email:
      [
        Field(name: "api_key", required: true, format: .token),
        Field(name: "webhook_verification_key", required: false, format: .publicKey),
      ]
    }
  }
}
