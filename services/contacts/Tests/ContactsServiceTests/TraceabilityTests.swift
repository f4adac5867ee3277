import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@Suite("Traceability and counts over RPC (C71, C72)")
struct TraceabilityTests {
  static func caller(_ requestID: String, org: Int64 = ContactsHarness.orgA) -> Metadata {
    CallerContext(organizationID: org, userID: "user-9", requestID: requestID).metadata
  }

  @Test(
    "C72: the caller's request id is the one answered and written to history and events; error answers keep their precise status, carry the request id and no internals"
  )
  func requestIDTravels() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let requestID = RequestID.generate()
      var create = Maac_Contacts_V1_CreateContactRequest()
      create.channelType = .line
      create.channelID = ContactsHarness.line
      create.externalID = uid(1)
      let answer = try await api.contacts.createContact(
        create, metadata: Self.caller(requestID)
      ) { response in response }
      #expect(Array(answer.metadata[stringValues: "x-request-id"]) == [requestID])
      let contact = try answer.message
      var history = Maac_Contacts_V1_ListContactHistoryRequest()
      history.contactID = contact.id
      let entries = try await api.contacts.listContactHistory(
        history, metadata: As.user(ContactsHarness.orgA)
      ).entries
      #expect(entries.first?.correlationID == requestID)
      let event = try await api.firstEvent { $0.eventType == "contact.created" }
      #expect(event.requestID == requestID)
      // Error answers: a bad field, a missing contact, a conflict.
      let failing = RequestID.generate()
      var errors: [RPCError] = []
      for call in [
        { () async throws in
          var bad = create
          bad.externalID = "not-a-line-uid"
          _ = try await api.contacts.createContact(bad, metadata: Self.caller(failing))
        },
        {
          var get = Maac_Contacts_V1_GetContactRequest()
          get.contactID = 987_654
          _ = try await api.contacts.getContact(get, metadata: Self.caller(failing))
        },
        { _ = try await api.contacts.createContact(create, metadata: Self.caller(failing)) },
      ] {
        do {
          try await call()
          Issue.record("the call should have failed")
        } catch let error as RPCError {
          errors.append(error)
        }
      }
      #expect(errors.map(\.code) == [.invalidArgument, .notFound, .alreadyExists])
      for error in errors {
        #expect(Array(error.metadata[stringValues: "x-request-id"]) == [failing])
        for leak in ["SELECT", "contact_pkey", "PostgresError", "sqlstate", "Swift."] {
          #expect(!error.message.contains(leak), "\(error.message)")
        }
      }
    }
  }

  @Test(
    "C71: GetContactStats over RPC reads one snapshot — total is the sum over channel types, LINE following + auth + blocked + unknown is the LINE total, blocked_including_auth = auth + blocked"
  )
  func countsAddUp() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      func event(_ n: Int, _ kind: Maac_Contacts_V1_ChannelEventKind) async throws {
        var request = Maac_Contacts_V1_ApplyChannelEventRequest()
        request.channelType = .line
        request.channelID = ContactsHarness.line
        request.externalUserID = uid(n)
        request.destination = "Ubot"
        request.kind = kind
        request.providerEventID = "stats-\(n)-\(kind.rawValue)"
        _ = try await api.ingest.applyChannelEvent(
          request, metadata: As.service(ContactsHarness.orgA))
      }
      try await event(1, .lineFollow)
      try await event(2, .lineFollow)
      try await event(3, .lineUnfollow)
      try await event(4, .lineAuthorization)
      _ = try await api.createLine(5)  // unknown status
      var email = Maac_Contacts_V1_CreateContactRequest()
      email.channelType = .email
      email.channelID = ContactsHarness.email
      email.externalID = "cy@example.com"
      email.fields = .with { $0.emailStatus = .subscribed }
      _ = try await api.contacts.createContact(email, metadata: As.user(ContactsHarness.orgA))
      let stats = try await api.contacts.getContactStats(
        .init(), metadata: As.user(ContactsHarness.orgA))
      #expect(stats.total == 6)
      #expect(stats.byChannelType.values.reduce(0, +) == stats.total)
      #expect(stats.byChannelType["line"] == 5)
      #expect(stats.lineFollowing == 2)
      #expect(stats.lineBlocked == 1)
      #expect(stats.lineAuth == 1)
      #expect(stats.lineUnknown == 1)
      #expect(
        stats.lineFollowing + stats.lineAuth + stats.lineBlocked + stats.lineUnknown
          == stats.byChannelType["line"])
      #expect(stats.lineBlockedIncludingAuth == stats.lineAuth + stats.lineBlocked)
      #expect(stats.emailSubscribed == 1)
      #expect(stats.hasAsOf)
    }
  }
}
