import AdminDomain
import Foundation
import MAACContracts
import SwiftProtobuf

/// Domain values → protobuf messages. Channels are mapped from `ChannelView` only, the
/// public shape without credentials (A22).
public enum ProtoMapping {
  public static func region(_ region: Region) -> Maac_Admin_V1_Region {
    switch region {
    case .tw: .tw
    case .th: .th
    case .jp: .jp
    }
  }

  public static func channelType(_ type: ChannelType) -> Maac_Common_V1_ChannelType {
    switch type {
    case .line: .line
    case .facebook: .facebook
    case .instagram: .instagram
    case .whatsapp: .whatsapp
    case .sms: .sms
    case .email: .email
    }
  }

  public static func channelStatus(_ status: ChannelStatus) -> Maac_Common_V1_ChannelStatus {
    switch status {
    case .notSet: .notSet
    case .connected: .connected
    case .warning: .warning
    case .suspended: .suspended
    }
  }

  public static func healthState(_ state: HealthState) -> Maac_Admin_V1_HealthState {
    switch state {
    case .normal: .normal
    case .warning: .warning
    case .suspended: .suspended
    }
  }

  public static func emailProvider(_ provider: EmailProvider) -> Maac_Admin_V1_EmailProvider {
    switch provider {
    case .sendgrid: .sendgrid
    case .stub: .stub
    }
  }

  public static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp {
    Google_Protobuf_Timestamp(date: date)
  }

  public static func organization(_ organization: Organization) -> Maac_Admin_V1_Organization {
    var message = Maac_Admin_V1_Organization()
    message.id = organization.id
    message.uuid = organization.uuid
    message.name = organization.name
    message.region = organization.region.map(region) ?? .unspecified
    message.timezone = organization.timezone
    message.active = organization.active
    message.createdAt = timestamp(organization.createdAt)
    message.updatedAt = timestamp(organization.updatedAt)
    return message
  }

  public static func settings(_ organization: Organization) -> Maac_Admin_V1_OrganizationSettings {
    var message = Maac_Admin_V1_OrganizationSettings()
    message.organizationID = organization.id
    message.timezone = organization.timezone
    message.region = organization.region.map(region) ?? .unspecified
    message.active = organization.active
    return message
  }

  /// The public channel message (A22): built from the view, which has no credentials.
  public static func channel(_ view: ChannelView) -> Maac_Admin_V1_Channel {
    var message = Maac_Admin_V1_Channel()
    message.id = view.id
    message.organizationID = view.organizationID
    message.uuid = view.uuid
    message.name = view.name
    message.type = channelType(view.type)
    message.status = channelStatus(view.status)
    if let external = view.externalChannelID { message.externalChannelID = external }
    message.enabled = view.enabled
    message.legacyBotID = view.legacyBotID ?? 0
    message.createdAt = timestamp(view.createdAt)
    message.updatedAt = timestamp(view.updatedAt)
    if let information = view.emailInformation {
      var email = Maac_Admin_V1_EmailChannelInfo()
      email.brandDomain = information.brandDomain
      message.email = email
    }
    return message
  }

  public static func customField(_ definition: CustomFieldDefinition)
    -> Maac_Admin_V1_CustomFieldDefinition
  {
    var message = Maac_Admin_V1_CustomFieldDefinition()
    message.slot = Int32(definition.slot.number)
    message.key = definition.key
    message.label = definition.label
    message.createdAt = timestamp(definition.createdAt)
    message.updatedAt = timestamp(definition.updatedAt)
    return message
  }
}
