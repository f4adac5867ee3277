import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Contacts service: channel events and ingest", .serialized)
struct IngestTests {
  func event(
    _ kind: Maac_Contacts_V1_ChannelEventKind, user: String, id: String, at: Date = Date(),
    name: String? = nil
  )
    -> Maac_Contacts_V1_ApplyChannelEventRequest
  {
    var request = Maac_Contacts_V1_ApplyChannelEventRequest()
    request.channelType = .line
    request.channelID = ContactsHarness.line
    request.externalUserID = user
    request.destination = "Ubot00000000000000000000000000000"
    request.kind = kind
    request.providerEventID = id
    request.occurredAt = Google_Protobuf_Timestamp(date: at)
    if let name { request.profile.name = name }
    return request
  }

  @Test(
    "C52, C55, C56, C59: follow creates with the profile name; a repeated provider event is a duplicate; block keeps join time"
  )
  func lineEvents() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let org = As.service(ContactsHarness.orgA)
      let t0 = Date().addingTimeInterval(-60)
      let followed = try await api.ingest.applyChannelEvent(
        event(.lineFollow, user: uid(1), id: "e1", at: t0, name: "Amy"), metadata: org)
      #expect(followed.created)
      #expect(followed.contact.line.followStatus == .following)
      #expect(followed.contact.originalName == "Amy")
      #expect(followed.contact.nameSource == .originalName)
      #expect(followed.contact.acquisitionSource == .lineFollow)
      let duplicate = try await api.ingest.applyChannelEvent(
        event(.lineFollow, user: uid(1), id: "e1", at: t0), metadata: org)
      #expect(duplicate.duplicate)
      #expect(!duplicate.stateChanged)
      let blocked = try await api.ingest.applyChannelEvent(
        event(.lineUnfollow, user: uid(1), id: "e2", at: t0.addingTimeInterval(5)), metadata: org)
      #expect(blocked.contact.line.followStatus == .blocked)
      #expect(blocked.contact.createdAt == followed.contact.createdAt)
      #expect(!blocked.contact.reachable)
      let unnamed = try await api.ingest.applyChannelEvent(
        event(.lineAuthorization, user: uid(2), id: "e3"), metadata: org)
      #expect(unnamed.contact.line.followStatus == .auth)
      #expect(unnamed.contact.nameSource == .placeholderSyncing)
      var stats = Maac_Contacts_V1_GetContactStatsRequest()
      stats.channelID = ContactsHarness.line
      let counts = try await api.contacts.getContactStats(
        stats, metadata: As.user(ContactsHarness.orgA))
      #expect(counts.lineBlocked == 1)
      #expect(counts.lineAuth == 1)
      #expect(counts.lineBlockedIncludingAuth == 2)
      #expect(
        counts.total == counts.lineFollowing + counts.lineAuth + counts.lineBlocked
          + counts.lineUnknown)
      // Two events of three: the duplicate published nothing.
      let events = try await api.events(count: 3)
      #expect(events.map(\.eventType) == ["contact.created", "contact.updated", "contact.created"])
    }
  }

  @Test(
    "C54: source.userId missing or equal to destination is INVALID_ARGUMENT and creates nothing")
  func sourceUserID() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let org = As.service(ContactsHarness.orgA)
      await expectRPCError(
        .invalidArgument, field: "external_user_id", reason: "MISSING_SOURCE_USER_ID"
      ) {
        _ = try await api.ingest.applyChannelEvent(
          event(.lineFollow, user: "", id: "x1"), metadata: org)
      }
      var same = event(.lineFollow, user: uid(9), id: "x2")
      same.destination = uid(9)
      await expectRPCError(
        .invalidArgument, field: "external_user_id", reason: "EXTERNAL_ID_IS_DESTINATION"
      ) {
        _ = try await api.ingest.applyChannelEvent(same, metadata: org)
      }
      var stats = Maac_Contacts_V1_GetContactStatsRequest()
      stats.channelID = 0
      let total = try await api.contacts.getContactStats(
        stats, metadata: As.user(ContactsHarness.orgA)
      ).total
      #expect(total == 0)
      await expectRPCError(.permissionDenied) {
        _ = try await api.ingest.applyChannelEvent(
          event(.lineFollow, user: uid(9), id: "x3"), metadata: As.user(ContactsHarness.orgA))
      }
    }
  }

  @Test(
    "C57, C58: interactions move last_interaction_at forward only; repeated keys and future times are refused"
  )
  func interactions() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let org = As.service(ContactsHarness.orgA)
      let contact = try await api.createLine(3)
      var request = Maac_Contacts_V1_RecordInteractionRequest()
      request.contactID = contact.id
      request.kind = .inboundMessage
      let now = Date()
      request.occurredAt = Google_Protobuf_Timestamp(date: now)
      request.idempotencyKey = "k1"
      let first = try await api.ingest.recordInteraction(request, metadata: org)
      #expect(first.counted)
      request.idempotencyKey = "k2"
      request.occurredAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(-3600))
      let older = try await api.ingest.recordInteraction(request, metadata: org)
      #expect(!older.counted)
      #expect(abs(older.lastInteractionAt.date.timeIntervalSince(now)) < 0.001)
      request.idempotencyKey = "k1"
      request.occurredAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(60))
      #expect(try await api.ingest.recordInteraction(request, metadata: org).counted == false)
      request.idempotencyKey = "k3"
      request.occurredAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(600))
      await expectRPCError(.invalidArgument, field: "occurred_at", reason: "OCCURRED_AT_IN_FUTURE")
      {
        _ = try await api.ingest.recordInteraction(request, metadata: org)
      }
    }
  }

  @Test(
    "C38, C37: delivery outcomes — three soft bounces suppress; a suppressed address stays suppressed"
  )
  func emailOutcomes() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let org = As.service(ContactsHarness.orgA)
      var create = Maac_Contacts_V1_CreateContactRequest()
      create.channelType = .email
      create.channelID = ContactsHarness.email
      create.externalID = "cy@example.com"
      create.fields = .with { $0.emailStatus = .subscribed }
      _ = try await api.contacts.createContact(create, metadata: As.user(ContactsHarness.orgA))
      var outcome = Maac_Contacts_V1_UpdateEmailMessagingStatusRequest()
      outcome.channelID = ContactsHarness.email
      outcome.email = "CY@example.com"
      outcome.status = .softBounce
      var results: [Maac_Contacts_V1_UpdateEmailMessagingStatusResponse] = []
      for n in 1...3 {
        outcome.sourceEventID = "sb\(n)"
        results.append(try await api.ingest.updateEmailMessagingStatus(outcome, metadata: org))
      }
      #expect(results.map(\.changed) == [false, false, true])
      #expect(results[2].current == .suppressed)
      outcome.status = .unsubscribed
      let after = try await api.ingest.updateEmailMessagingStatus(outcome, metadata: org)
      #expect(!after.changed)
      #expect(after.current == .suppressed)
      outcome.email = "nobody@example.com"
      await expectRPCError(.notFound, reason: "CONTACT_NOT_FOUND") {
        _ = try await api.ingest.updateEmailMessagingStatus(outcome, metadata: org)
      }
    }
  }

  @Test("C49, C70: a CDH broadcast copies contact-level values once; a stale version is ignored")
  func broadcasts() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let org = As.service(ContactsHarness.orgA)
      let contact = try await api.createLine(4, fields: .with { $0.note = "mine" })
      var item = Maac_Contacts_V1_ApplyProfileBroadcastRequest()
      item.eventID = 1
      item.version = 3
      item.memberIds = [contact.id, 987_654]
      item.fields = ["display_name": "Merged", "note": "theirs", "custom_id": "C-9"]
      let applied = try await api.ingest.applyProfileBroadcast(item, metadata: org)
      #expect(applied.appliedContactIds == [contact.id])
      #expect(applied.ignoredContactIds == [987_654])
      let read = try await api.get(contact.id)
      #expect(read.displayName == "Merged")
      #expect(read.customerID == "C-9")
      #expect(read.note == "mine")
      item.version = 2
      item.fields = ["display_name": "Stale"]
      #expect(
        try await api.ingest.applyProfileBroadcast(item, metadata: org).ignoredContactIds.contains(
          contact.id))
      #expect(try await api.get(contact.id).displayName == "Merged")
      let events = try await api.events(count: 2)
      let update = try Maac_Contacts_V1_ContactUpdated(unpackingAny: events[1].payload)
      #expect(update.cause.origin == .cdh)
    }
  }
}
