import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@Suite("Text lookup of Meta contacts (C63)")
struct LookupTests {
  static let facebook: Int64 = 41
  static let instagram: Int64 = 51

  @Test(
    "C63: lookup by Facebook id and Instagram id is exact and per type; name lookup covers the original (channel) name; another organization's contacts never match"
  )
  func metaLookups() async throws {
    var channels = ContactsHarness.directory.channels.mapValues { Array($0.values) }
    channels[ContactsHarness.orgA, default: []] += [
      ChannelInfo(id: Self.facebook, type: .facebook),
      ChannelInfo(id: Self.instagram, type: .instagram),
    ]
    channels[ContactsHarness.orgB, default: []] += [ChannelInfo(id: 42, type: .facebook)]
    let directory = StaticOrganizationDirectory(
      channels: channels, definitions: ContactsHarness.directory.definitions)
    try await PeerHarness.run(peers: ContactsPeers(), directory: directory) { _, client in
      let api = Clients(client)
      func create(_ type: Maac_Common_V1_ChannelType, channel: Int64, id: String, org: Int64)
        async throws -> Int64
      {
        var request = Maac_Contacts_V1_CreateContactRequest()
        request.channelType = type
        request.channelID = channel
        request.externalID = id
        return try await api.contacts.createContact(request, metadata: As.user(org)).id
      }
      let fan = try await create(
        .facebook, channel: Self.facebook, id: "1234567890", org: ContactsHarness.orgA)
      let follower = try await create(
        .instagram, channel: Self.instagram, id: "1234567890", org: ContactsHarness.orgA)
      _ = try await create(.facebook, channel: 42, id: "5550001", org: ContactsHarness.orgB)
      // A Messenger message with a profile gives the fan an original name.
      var message = Maac_Contacts_V1_ApplyChannelEventRequest()
      message.channelType = .facebook
      message.channelID = Self.facebook
      message.externalUserID = "1234567890"
      message.kind = .metaMessage
      message.providerEventID = "mid-1"
      message.profile.name = "Chen Wei"
      _ = try await api.ingest.applyChannelEvent(
        message, metadata: As.service(ContactsHarness.orgA))
      func search(_ configure: (inout Maac_Contacts_V1_IdentifierQuery) -> Void) async throws
        -> [Int64]
      {
        var request = Maac_Contacts_V1_SearchContactsRequest()
        configure(&request.query)
        return try await api.contacts.searchContacts(
          request, metadata: As.user(ContactsHarness.orgA)
        ).contacts.map(\.id)
      }
      // The same digits on two channels: each query finds only its own type.
      #expect(try await search { $0.facebookID = "1234567890" } == [fan])
      #expect(try await search { $0.instagramID = "1234567890" } == [follower])
      #expect(try await search { $0.facebookID = "123456789" }.isEmpty)  // exact, not prefix
      #expect(try await search { $0.facebookID = "5550001" }.isEmpty)  // org B's
      #expect(try await search { $0.name = "chen" } == [fan])  // original name, any case
    }
  }
}
