import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@Suite("Request-id idempotency of mutations (§4.1)")
struct IdempotencyTests {
  static func count(_ api: Clients, org: Int64 = ContactsHarness.orgA) async throws -> Int64 {
    var request = Maac_Contacts_V1_SearchContactsRequest()
    request.includeCount = true
    return try await api.contacts.searchContacts(request, metadata: As.user(org)).count
  }

  @Test(
    "§4.1, C3: a repeated CreateContact with the same request_id answers the first answer and creates once, also when the repeats race; another organization's id space is separate"
  )
  func createOnce() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      var create = Maac_Contacts_V1_CreateContactRequest()
      create.channelType = .line
      create.channelID = ContactsHarness.line
      create.externalID = uid(1)
      create.requestID = "req-create-1"
      let first = try await api.contacts.createContact(
        create, metadata: As.user(ContactsHarness.orgA))
      let again = try await api.contacts.createContact(
        create, metadata: As.user(ContactsHarness.orgA))
      #expect(again == first)
      // Without a request id the same create is a conflict (C3): the id is what made it safe.
      create.requestID = ""
      await expectRPCError(.alreadyExists, reason: "CONTACT_ALREADY_EXISTS") {
        _ = try await api.contacts.createContact(create, metadata: As.user(ContactsHarness.orgA))
      }
      // Racing repeats: one contact, one answer.
      create.externalID = uid(2)
      create.requestID = "req-create-2"
      let request = create
      let answers = try await withThrowingTaskGroup(of: Int64.self) { group in
        for _ in 0..<5 {
          group.addTask {
            try await api.contacts.createContact(request, metadata: As.user(ContactsHarness.orgA))
              .id
          }
        }
        var ids: Set<Int64> = []
        for try await id in group { ids.insert(id) }
        return ids
      }
      #expect(answers.count == 1)
      #expect(try await Self.count(api) == 2)
      // The same request id in organization B is B's own.
      create.channelID = ContactsHarness.lineB
      let other = try await api.contacts.createContact(
        create, metadata: As.user(ContactsHarness.orgB))
      #expect(!answers.contains(other.id))
      #expect(try await Self.count(api, org: ContactsHarness.orgB) == 1)
    }
  }

  @Test(
    "§4.1, §7.1: a repeated UpdateContact/DeleteContact answers the first answer without applying again; the same request_id with a different request is ALREADY_EXISTS IDEMPOTENCY_KEY_REUSED"
  )
  func updateAndDeleteOnce() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let contact = try await api.createLine(3, fields: .with { $0.city = "Tainan" })
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.fields = .with { $0.city = "Taipei" }
      update.updateMask = .init(protoPaths: ["city"])
      update.requestID = "req-update-1"
      let first = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(first.city == "Taipei")
      // Someone else changes the city afterwards.
      var other = update
      other.requestID = ""
      other.fields = .with { $0.city = "Kaohsiung" }
      _ = try await api.contacts.updateContact(other, metadata: As.user(ContactsHarness.orgA))
      // The retry of the first request answers the first answer and does not apply again.
      let retry = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(retry == first)
      #expect(try await api.get(contact.id).city == "Kaohsiung")
      var history = Maac_Contacts_V1_ListContactHistoryRequest()
      history.contactID = contact.id
      history.field = "city"
      let entries = try await api.contacts.listContactHistory(
        history, metadata: As.user(ContactsHarness.orgA)
      ).entries
      #expect(entries.compactMap(\.newValue) == ["Kaohsiung", "Taipei"])
      // Reusing the id for something else is refused, naming the field.
      var reused = update
      reused.fields = .with { $0.city = "Hsinchu" }
      await expectRPCError(.alreadyExists, field: "request_id", reason: "IDEMPOTENCY_KEY_REUSED") {
        _ = try await api.contacts.updateContact(reused, metadata: As.user(ContactsHarness.orgA))
      }
      // A failed request records nothing: the same id works once the request is valid.
      var failing = Maac_Contacts_V1_UpdateContactRequest()
      failing.contactID = contact.id
      failing.fields = .with { $0.birthday = "1990-02-30" }
      failing.updateMask = .init(protoPaths: ["birthday"])
      failing.requestID = "req-update-2"
      await expectRPCError(.invalidArgument, field: "birthday") {
        _ = try await api.contacts.updateContact(failing, metadata: As.user(ContactsHarness.orgA))
      }
      failing.fields = .with { $0.birthday = "1990-02-28" }
      #expect(
        try await api.contacts.updateContact(failing, metadata: As.user(ContactsHarness.orgA))
          .birthday == "1990-02-28")
      // Delete: the repeat answers the first answer (deleted, not "already deleted").
      var delete = Maac_Contacts_V1_DeleteContactRequest()
      delete.contactID = contact.id
      delete.requestID = "req-delete-1"
      let deleted = try await api.contacts.deleteContact(
        delete, metadata: As.user(ContactsHarness.orgA))
      #expect(deleted.deleted && !deleted.alreadyDeleted)
      let repeated = try await api.contacts.deleteContact(
        delete, metadata: As.user(ContactsHarness.orgA))
      #expect(repeated == deleted)
      delete.requestID = ""
      #expect(
        try await api.contacts.deleteContact(delete, metadata: As.user(ContactsHarness.orgA))
          .alreadyDeleted)
      // An over-long id is bad input.
      delete.requestID = String(repeating: "x", count: 129)
      await expectRPCError(.invalidArgument, field: "request_id") {
        _ = try await api.contacts.deleteContact(delete, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }
}
