import AdminDomain
import MAACContracts

/// Stored credentials → the internal `ChannelCredentials` message. Kept apart from
/// `ProtoMapping`, which builds public answers only: this is the one place a secret is put
/// into a message, for `GetChannelCredentials` (A22).
enum CredentialMapping {
  static func message(_ credentials: ChannelCredentials) -> Maac_Admin_V1_ChannelCredentials {
    let value = { (name: String) in credentials[name] ?? "" }
    var message = Maac_Admin_V1_ChannelCredentials()
    switch credentials.kind {
    case .line:
      var line = Maac_Admin_V1_LineCredentials()
      line.channelSecret = value("channel_secret")
      line.channelAccessToken = value("channel_access_token")
      message.line = line
    case .meta:
      var meta = Maac_Admin_V1_MetaCredentials()
      meta.accessToken = value("access_token")
      meta.appSecret = value("app_secret")
      message.meta = meta
    case .whatsapp:
      var whatsapp = Maac_Admin_V1_WhatsAppCredentials()
      whatsapp.phoneNumberID = value("phone_number_id")
      whatsapp.businessAccountID = value("business_account_id")
      whatsapp.accessToken = value("access_token")
      whatsapp.appSecret = value("app_secret")
      message.whatsapp = whatsapp
    case .sms:
      var sms = Maac_Admin_V1_SmsCredentials()
      sms.provider = value("provider")
      sms.apiKey = value("api_key")
      sms.senderID = value("sender_id")
      message.sms = sms
    case .email:
      var email = Maac_Admin_V1_EmailProviderCredentials()
      email.apiKey = value("api_key")
      email.webhookVerificationKey = value("webhook_verification_key")
      message.email = email
    }
    return message
  }
}
