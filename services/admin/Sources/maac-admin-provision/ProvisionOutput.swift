import AdminDomain
import Foundation
import MAACContracts

/// The command's standard output: the created ids, in document order.
struct ProvisionOutput: Encodable {
  struct OrganizationOutput: Encodable {
    var id: Int64
    var uuid: String
    var name: String
    var timezone: String
    var channels: [ChannelOutput]
    var custom_fields: [CustomFieldOutput]
  }

  struct ChannelOutput: Encodable {
    var id: Int64
    var uuid: String
    var type: String
    var name: String
  }

  struct CustomFieldOutput: Encodable {
    var slot: Int32
    var key: String
  }

  var organizations: [OrganizationOutput]

  init(_ response: Maac_Admin_V1_ProvisionResponse) {
    organizations = response.organizations.map { entry in
      OrganizationOutput(
        id: entry.organization.id, uuid: entry.organization.uuid, name: entry.organization.name,
        timezone: entry.organization.timezone,
        channels: entry.channels.map {
          ChannelOutput(id: $0.id, uuid: $0.uuid, type: Self.typeName($0.type), name: $0.name)
        },
        custom_fields: entry.customFields.map { CustomFieldOutput(slot: $0.slot, key: $0.key) })
    }
  }

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  static func typeName(_ type: Maac_Common_V1_ChannelType) -> String {
    switch type {
    case .line: ChannelType.line.rawValue
    case .facebook: ChannelType.facebook.rawValue
    case .instagram: ChannelType.instagram.rawValue
    case .whatsapp: ChannelType.whatsapp.rawValue
    case .sms: ChannelType.sms.rawValue
    case .email: ChannelType.email.rawValue
    case .unspecified, .UNRECOGNIZED: "unknown"
    }
  }
}
