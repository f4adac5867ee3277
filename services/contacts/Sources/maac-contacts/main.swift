import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

// The contacts service process: configuration from flags/MAAC_* variables; admin center is
// reached as peer "admin" when configured, else channels come from MAAC_CONTACTS_CHANNELS
// ("ORG:CHANNEL:TYPE,...") for single-service runs.
let process = try ServiceProcess(name: "contacts")
let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
let directory: any OrganizationDirectory
if let admin = process.configuration.peers["admin"] {
  let transport = NGHTTP2ClientTransport(
    target: admin.isIPv6
      ? .ipv6(host: admin.host, port: admin.port) : .ipv4(host: admin.host, port: admin.port))
  let client = GRPCClient(transport: transport)
  Task { try await client.runConnections() }
  directory = AdminOrganizationDirectory(client: client)
} else {
  directory = StaticOrganizationDirectory.parse(
    ProcessInfo.processInfo.environment["MAAC_CONTACTS_CHANNELS"] ?? "")
}
// C26: imported tags are sent to the tag manager when it is configured as peer "tags".
var tagManager: (any TagManagerClient)?
if let tags = process.configuration.peers["tags"] {
  let client = GRPCClient(
    transport: NGHTTP2ClientTransport(
      target: tags.isIPv6
        ? .ipv6(host: tags.host, port: tags.port) : .ipv4(host: tags.host, port: tags.port)))
  Task { try await client.runConnections() }
  tagManager = GRPCTagManagerClient(client: client)
}
let contacts = ContactsService(
  process: process, pool: pool, directory: directory, tagManager: tagManager)
try await process.serve(
  services: contacts.services, tenancy: contacts.tenancy, background: contacts.background)
