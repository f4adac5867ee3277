import ContactsDomain
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// An admin-center channel as contacts needs it (§1.3).
public struct ChannelInfo: Hashable, Sendable {
  public var id: Int64
  public var type: ChannelType
  public var enabled: Bool

  public init(id: Int64, type: ChannelType, enabled: Bool = true) {
    self.id = id
    self.type = type
    self.enabled = enabled
  }
}

/// What contacts reads from admin center: channels and custom-field definitions (D6).
public protocol OrganizationDirectory: Sendable {
  /// The organization's channel, or `nil` when it is unknown or another organization's.
  func channel(organizationID: Int64, id: Int64) async throws -> ChannelInfo?
  /// The organization's custom-field definitions, in slot order.
  func customFields(organizationID: Int64) async throws -> [CustomFieldDefinition]
}

/// A directory given as configuration (`--channels`, tests, single-service runs).
public struct StaticOrganizationDirectory: OrganizationDirectory {
  public var channels: [Int64: [Int64: ChannelInfo]]
  public var definitions: [Int64: [CustomFieldDefinition]]

  public init(
    channels: [Int64: [ChannelInfo]] = [:], definitions: [Int64: [CustomFieldDefinition]] = [:]
  ) {
    self.channels = channels.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.id, $0) }) }
    self.definitions = definitions
  }

  public func channel(organizationID: Int64, id: Int64) async throws -> ChannelInfo? {
    channels[organizationID]?[id]
  }

  public func customFields(organizationID: Int64) async throws -> [CustomFieldDefinition] {
    definitions[organizationID] ?? []
  }

  /// Parses `ORG:CHANNEL:TYPE[,...]`, e.g. `1:11:line,1:21:email`.
  public static func parse(_ text: String) -> StaticOrganizationDirectory {
    var channels: [Int64: [ChannelInfo]] = [:]
    for entry in text.split(separator: ",") {
      let parts = entry.split(separator: ":")
      guard parts.count == 3, let org = Int64(parts[0]), let id = Int64(parts[1]),
        let type = ChannelType(rawValue: String(parts[2]))
      else { continue }
      channels[org, default: []].append(ChannelInfo(id: id, type: type))
    }
    return StaticOrganizationDirectory(channels: channels)
  }
}

/// Admin center's `AdminInternal` service over RPC.
public struct AdminOrganizationDirectory: OrganizationDirectory {
  let client: GRPCClient<NGHTTP2ClientTransport>

  public init(client: GRPCClient<NGHTTP2ClientTransport>) {
    self.client = client
  }

  private func metadata(_ organizationID: Int64) -> Metadata {
    CallerContext(
      organizationID: organizationID, userID: "system:contacts",
      requestID: CallerContext.current?.requestID ?? RequestID.generate()
    ).metadata
  }

  public func channel(organizationID: Int64, id: Int64) async throws -> ChannelInfo? {
    let admin = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
    var request = Maac_Admin_V1_GetChannelRequest()
    request.channelID = id
    do {
      let channel = try await admin.getChannel(request, metadata: metadata(organizationID))
      guard let type = ContactMapping.channelType(channel.type) else { return nil }
      return ChannelInfo(id: channel.id, type: type, enabled: channel.enabled)
    } catch let error as RPCError where error.code == .notFound {
      return nil
    } catch let error as RPCError where error.code == .unavailable {
      throw ServiceErrors.make(
        .unavailable, "ADMIN_UNAVAILABLE", "admin center is unavailable; nothing was changed")
    }
  }

  public func customFields(organizationID: Int64) async throws -> [CustomFieldDefinition] {
    let admin = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
    let response = try await admin.listCustomFieldDefinitions(
      Maac_Admin_V1_ListCustomFieldDefinitionsRequest(), metadata: metadata(organizationID))
    return response.definitions.map { CustomFieldDefinition(key: $0.key, label: $0.label) }
  }
}
