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
    CredentialMapping.message(credentials)
  }
}
