import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

// The contacts service process: configuration from flags/MAAC_* variables; admin center is
// reached as peer "admin" when configured, else channels come from MAAC_CONTACTS_CHANNELS
// ("ORG:CHANNEL:TYPE,...") for single-service runs. Peers "segments" (filtered lists) and
// "cdh" (person-level writes) are optional; without them those calls answer UNAVAILABLE.
// Peer "tags" receives imported tags (C26); without it they wait in `tag_command`.
// The LINE adapter runs when MAAC_LINE_API_URL is set (e.g. https://api.line.me), with
// channel tokens from admin center (or MAAC_LINE_CHANNEL_TOKENS="CHANNEL:TOKEN,..."); it also
// checks a channel's credential before a LINE import (C33).
let process = try ServiceProcess(name: "contacts")
let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
let environment = ProcessInfo.processInfo.environment

/// The client of a configured peer (ServiceKit runs its connections while serving).
func client(_ name: String) -> GRPCClient<NGHTTP2ClientTransport>? {
  guard process.configuration.peers[name] != nil else { return nil }
  return try? process.client(forPeer: name)
}

let admin = client("admin")
let directory: any OrganizationDirectory =
  admin.map { AdminOrganizationDirectory(client: $0) }
  ?? StaticOrganizationDirectory.parse(environment["MAAC_CONTACTS_CHANNELS"] ?? "")
var peers = ContactsPeers()
if let segments = client("segments") { peers.filters = SegmentFilterClient(client: segments) }
if let cdh = client("cdh") { peers.profiles = CdhProfileClient(client: cdh) }
// C26: imported tags are sent to the tag manager when it is configured as peer "tags".
if let tags = client("tags") { peers.tagManager = GRPCTagManagerClient(client: tags) }
if let base = environment["MAAC_LINE_API_URL"].flatMap(URL.init(string:)) {
  var tokens: [Int64: String] = [:]
  for entry in (environment["MAAC_LINE_CHANNEL_TOKENS"] ?? "").split(separator: ",") {
    let parts = entry.split(separator: ":", maxSplits: 1)
    if parts.count == 2, let channel = Int64(parts[0]) { tokens[channel] = String(parts[1]) }
  }
  let source: any LineChannelTokens =
    tokens.isEmpty
    ? admin.map { AdminLineChannelTokens(client: $0) } ?? StaticLineChannelTokens([:])
    : StaticLineChannelTokens(tokens)
  let line = LineMessagingAPIClient(baseURL: base, tokens: source)
  peers.lineProfiles = line
  peers.lineCredentials = line
}
let contacts = ContactsService(process: process, pool: pool, directory: directory, peers: peers)
try await process.serve(
  services: contacts.services, tenancy: contacts.tenancy, background: contacts.background)
