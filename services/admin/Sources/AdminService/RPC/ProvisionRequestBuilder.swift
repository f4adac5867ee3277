import AdminDomain
import MAACContracts

/// A validated provisioning plan → the `Provision` request that creates it (used by
/// `maac-admin-provision`). The service validates the request again with the same rules.
public enum ProvisionRequestBuilder {
  public static func request(for plan: ProvisioningPlan, validateOnly: Bool = false)
    -> Maac_Admin_V1_ProvisionRequest
  {
    var request = Maac_Admin_V1_ProvisionRequest()
    request.validateOnly = validateOnly
    request.organizations = plan.organizations.map { entry in
      var message = Maac_Admin_V1_ProvisionOrganization()
      message.organization = organization(entry.organization)
      message.channels = entry.channels.map(channel)
      message.customFields = entry.customFields.map { label in
        var field = Maac_Admin_V1_CustomFieldLabel()
        field.slot = Int32(label.slot.number)
        field.label = label.label
        return field
      }
      return message
    }
    return request
  }

  static func organization(_ organization: NewOrganization)
    -> Maac_Admin_V1_CreateOrganizationRequest
  {
    var message = Maac_Admin_V1_CreateOrganizationRequest()
    message.name = organization.name
    message.uuid = organization.uuid ?? ""
    message.region = organization.region.map(ProtoMapping.region) ?? .unspecified
    message.timezone = organization.timezone
    message.active = organization.active
    return message
  }

  static func channel(_ channel: NewChannel) -> Maac_Admin_V1_CreateChannelRequest {
    var message = Maac_Admin_V1_CreateChannelRequest()
    message.type = ProtoMapping.channelType(channel.type)
    message.name = channel.name
    message.uuid = channel.uuid ?? ""
    if let external = channel.externalChannelID { message.externalChannelID = external }
    message.enabled = channel.enabled
    message.legacyBotID = channel.legacyBotID ?? 0
    if let status = channel.storedStatus { message.status = ProtoMapping.channelStatus(status) }
    if let email = channel.email {
      var settings = Maac_Admin_V1_EmailChannelSettings()
      settings.brandDomain = email.brandDomain
      settings.provider = ProtoMapping.emailProvider(email.provider)
      message.email = settings
    }
    if let credentials = channel.credentials {
      message.credentials = Self.credentials(credentials)
    }
    return message
  }

  static func credentials(_ credentials: ChannelCredentials) -> Maac_Admin_V1_ChannelCredentials {
    var message = Maac_Admin_V1_ChannelCredentials()
    let value = { (name: String) in credentials[name] ?? "" }
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
