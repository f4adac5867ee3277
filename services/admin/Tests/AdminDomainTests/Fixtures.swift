import AdminDomain

/// Well-formed (fake) credentials of every kind, shared by the tests.
enum Fixtures {
  static let lineSecret = "0123456789abcdef0123456789abcdef"
  static let lineToken = "LINE-ACCESS-TOKEN.abc/def+ghi="
  static let metaToken = "EAAGm0PX4ZCpsBAKZAZB"
  static let metaAppSecret = "fedcba9876543210fedcba9876543210"
  static let smsKey = "sms-api-key-123"
  static let emailKey = "SG.fake-key.fake-secret"

  static func credentials(for type: ChannelType) -> [String: String] {
    switch type {
    case .line: ["channel_secret": lineSecret, "channel_access_token": lineToken]
    case .facebook, .instagram: ["access_token": metaToken, "app_secret": metaAppSecret]
    case .whatsapp:
      [
        "phone_number_id": "106540352242922", "business_account_id": "102290129340398",
        "access_token": metaToken, "app_secret": metaAppSecret,
      ]
    case .sms: ["provider": "every8d", "api_key": smsKey, "sender_id": "+886912345678"]
    case .email: ["api_key": emailKey]
    }
  }

  static func channel(_ type: ChannelType) -> ChannelDraft {
    ChannelDraft(
      type: type, name: "\(type.rawValue) channel",
      email: type == .email ? EmailSettingsDraft(brandDomain: "example.com") : nil,
      credentials: CredentialsDraft(values: credentials(for: type)))
  }
}
