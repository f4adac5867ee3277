import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@testable import TagsService

@Suite("Contact lifecycle from the contacts event stream")
struct ContactLifecycleTests {
  @Test(
    "T25: contact.deleted removes the contact's tags and counts; later attaches are contact_not_found"
  )
  func contactDeleted() async throws {
    // A real contacts-side producer: ServiceKit's outbox and event stream on its own schema.
    try await TestDatabase.withServiceDatabase("contacts") { contactsDatabase in
      let contacts = ServiceProcess(
        name: "contacts",
        configuration: ServiceConfiguration(
          databaseURL: contactsDatabase.url, databaseSchema: contactsDatabase.name,
          logLevel: .critical))
      let contactsPool = try await contacts.openDatabase(migrations: [])
      let producer = try await RunningService.start(
        contacts,
        services: [
          contacts.eventStream(
            method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor, pool: contactsPool)
        ],
        tenancy: .organizationScoped(callerOnly: [
          Maac_Contacts_V1_ContactsEvents.descriptor.fullyQualifiedService
        ]))
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers = ["contacts": producer.address]
        try await harness.withService { tags, client in
          let vip = try await tags.create("VIP", org: 1)
          let gold = try await tags.create("Gold", org: 1)
          // Contacts 1 and 2 exist: their creation reaches the copy first, so the attach does
          // not need contacts' BatchGetContacts (this producer serves events only, T8).
          for id: Int64 in [1, 2] {
            var created = Maac_Contacts_V1_ContactCreated()
            created.contactID = id
            created.state.channelID = 7
            created.state.channelType = .line
            try await contactsPool.withTransaction { connection in
              try await contacts.outbox.append(
                OutboundEvent(eventType: "contact.created", organizationID: 1, payload: created),
                on: connection)
            }
          }
          let tagsPool = try harness.pool()
          try await eventually {
            try await tagsPool.query(
              "SELECT count(*) AS n FROM contact_channel WHERE organization_id = 1"
            )[0].decode("n", as: Int64.self) == 2
          }
          await tagsPool.shutdown()
          _ = try await tags.attach([vip.id, gold.id], to: [1, 2], org: 1)
          var deleted = Maac_Contacts_V1_ContactDeleted()
          deleted.contactID = 1
          deleted.deletedAt = Google_Protobuf_Timestamp(date: Date())
          try await contactsPool.withTransaction { connection in
            try await contacts.outbox.append(
              OutboundEvent(eventType: "contact.deleted", organizationID: 1, payload: deleted),
              on: connection)
          }
          try await eventually { try await tags.tag(vip.id, org: 1).memberCount == 1 }
          #expect(try await tags.tag(gold.id, org: 1).memberCount == 1)
          #expect(try await tags.contactTags(1, org: 1).isEmpty)
          #expect(try await tags.contactTags(2, org: 1).count == 2)
          let again = try await tags.attach([vip.id], to: [1, 2], org: 1)
          #expect(again.results.map(\.outcome) == [.contactNotFound, .reapplied])
          var history = Maac_Tags_V1_GetContactTagHistoryRequest()
          history.contactID = 1
          let events = try await tags.getContactTagHistory(history, metadata: tenant(1)).events
          #expect(
            events.prefix(2).allSatisfy { $0.action == .remove && $0.reason == .contactDeleted })
          // No trigger-feed events for the deletion: only tags.member_tag.v1 records.
          let stream = Maac_Tags_V1_TagsEvents.Client(wrapping: client)
          let types = try await stream.subscribe(
            Maac_Common_V1_SubscribeRequest(), metadata: tenant(1)
          ) { response in
            var types: [String] = []
            for try await envelope in response.messages {
              types.append(envelope.eventType)
              if types.count == 12 { break }
            }
            return types
          }
          // 2 created + 4 attaches × 2 + 2 removals (member_tag only) = 12 (tags' own stream).
          #expect(types.suffix(2) == ["tags.member_tag.v1", "tags.member_tag.v1"])
          #expect(types.filter { $0 == "member.tag.update" }.count == 4)
        }
      }
      await producer.stop()
    }
  }
}
