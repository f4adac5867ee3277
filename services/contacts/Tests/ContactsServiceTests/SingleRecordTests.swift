import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Contacts service: single records over RPC and PostgreSQL", .serialized)
struct SingleRecordTests {
  @Test(
    "C1, C3, C62: create, read back at once; a taken identity is ALREADY_EXISTS naming the existing contact"
  )
  func createAndRead() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let created = try await api.createLine(
        1,
        fields: .with {
          $0.displayName = " Amy "
          $0.note = "hi"
        })
      #expect(created.id > 0)
      #expect(created.channelType == .line)
      #expect(created.line.lineUid == uid(1))
      let read = try await api.get(created.id)
      #expect(read.displayName == "Amy")
      #expect(read.resolvedName == "Amy")
      #expect(read.note == "hi")
      #expect(read.acquisitionSource == .api)
      await expectRPCError(.alreadyExists, reason: "contact_id \(created.id)") {
        _ = try await api.createLine(1)
      }
      // Email identities compare lower-cased.
      var email = Maac_Contacts_V1_CreateContactRequest()
      email.channelType = .email
      email.channelID = ContactsHarness.email
      email.externalID = "Amy@Example.com"
      email.fields = .with { $0.emailStatus = .subscribed }
      let stored = try await api.contacts.createContact(
        email, metadata: As.user(ContactsHarness.orgA))
      #expect(stored.email.address == "Amy@Example.com")
      email.externalID = "amy@example.COM"
      await expectRPCError(.alreadyExists) {
        _ = try await api.contacts.createContact(email, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }

  @Test("C7–C16: every invalid field is INVALID_ARGUMENT naming the field and the reason")
  func invalidFieldsNamed() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      await expectRPCError(.invalidArgument, field: "fields.note", reason: "NOTE_TOO_LONG") {
        _ = try await api.createLine(
          2, fields: .with { $0.note = String(repeating: "字", count: 2049) })
      }
      await expectRPCError(.invalidArgument, field: "fields.display_name", reason: "FIELD_TOO_LONG")
      {
        _ = try await api.createLine(
          2, fields: .with { $0.displayName = String(repeating: "a", count: 256) })
      }
      await expectRPCError(.invalidArgument, field: "fields.birthday", reason: "INVALID_DATE") {
        _ = try await api.createLine(2, fields: .with { $0.birthday = "2024-02-30" })
      }
      await expectRPCError(
        .invalidArgument, field: "fields.display_mobile", reason: "MISSING_DEFAULT_COUNTRY"
      ) {
        _ = try await api.createLine(2, fields: .with { $0.displayMobile = "0912345678" })
      }
      await expectRPCError(
        .invalidArgument, field: "fields.custom_fields.nope", reason: "UNKNOWN_CUSTOM_FIELD"
      ) {
        _ = try await api.createLine(2, fields: .with { $0.customFields = ["nope": "x"] })
      }
      var bad = Maac_Contacts_V1_CreateContactRequest()
      bad.channelType = .line
      bad.channelID = ContactsHarness.line
      bad.externalID = "fake-123"
      await expectRPCError(.invalidArgument, field: "external_id", reason: "INVALID_LINE_UID") {
        _ = try await api.contacts.createContact(bad, metadata: As.user(ContactsHarness.orgA))
      }
      bad.channelID = ContactsHarness.email
      bad.externalID = uid(3)
      await expectRPCError(.invalidArgument, field: "channel_id", reason: "CHANNEL_TYPE_MISMATCH") {
        _ = try await api.contacts.createContact(bad, metadata: As.user(ContactsHarness.orgA))
      }
      let contact = try await api.createLine(4)
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.updateMask = Google_Protobuf_FieldMask(protoPaths: ["line_uid"])
      await expectRPCError(.invalidArgument, field: "line_uid", reason: "IMMUTABLE_FIELD") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
      update.updateMask = Google_Protobuf_FieldMask(protoPaths: ["original_name"])
      await expectRPCError(.invalidArgument, field: "original_name", reason: "READ_ONLY_FIELD") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
      update.updateMask = Google_Protobuf_FieldMask(protoPaths: [])
      await expectRPCError(.invalidArgument, field: "update_mask", reason: "EMPTY_REQUEST") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }

  @Test(
    "C60, C62, C74, C68: updates never create, are visible at once, write history and publish before/after"
  )
  func updateHistoryEvents() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let contact = try await api.createLine(5, fields: .with { $0.city = "Tainan" })
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.fields = .with {
        $0.city = "Taipei"
        $0.customFields = ["customized_field_1": "Gold"]
      }
      update.updateMask = Google_Protobuf_FieldMask(protoPaths: [
        "city", "custom_fields.customized_field_1",
      ])
      let updated = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(updated.city == "Taipei")
      #expect(updated.version == contact.version + 1)
      let read = try await api.get(contact.id)
      #expect(read.city == "Taipei")
      #expect(read.customFields.map(\.label) == ["Member Tier"])
      update.contactID = 999_999
      await expectRPCError(.notFound, reason: "CONTACT_NOT_FOUND") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
      var history = Maac_Contacts_V1_ListContactHistoryRequest()
      history.contactID = contact.id
      let entries = try await api.contacts.listContactHistory(
        history, metadata: As.user(ContactsHarness.orgA)
      ).entries
      let city = try #require(entries.first { $0.field == "city" })
      #expect(city.previousValue == "Tainan")
      #expect(city.newValue == "Taipei")
      #expect(city.origin == .user)
      #expect(city.actor == "user-9")
      #expect(entries.last?.field == "contact")
      let events = try await api.events(count: 2)
      #expect(events.map(\.eventType) == ["contact.created", "contact.updated"])
      let changed = try Maac_Contacts_V1_ContactUpdated(unpackingAny: events[1].payload)
      #expect(changed.contactID == contact.id)
      #expect(changed.cause.eventID == events[1].sequence)
      let cityChange = try #require(changed.changes.first { $0.attribute == "city" })
      #expect(cityChange.previousValue == "Tainan")
      #expect(cityChange.newValue == "Taipei")
      #expect(
        changed.changes.contains {
          $0.attribute == "custom_fields.customized_field_1" && $0.newValue == "Gold"
        })
    }
  }

  @Test(
    "C48, C69: without CDH, bind and unbind answer UNAVAILABLE CDH_UNAVAILABLE and change nothing (no event); bad input is still INVALID_ARGUMENT first"
  )
  func bindingNeedsCDH() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let contact = try await api.createLine(6)
      var bind = Maac_Contacts_V1_BindCustomerIdRequest()
      bind.contactID = contact.id
      bind.customerID = "C-1"
      bind.via = .liff
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      }
      var unbind = Maac_Contacts_V1_UnbindCustomerIdRequest()
      unbind.contactID = contact.id
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await api.contacts.unbindCustomerId(
          unbind, metadata: As.user(ContactsHarness.orgA))
      }
      let read = try await api.get(contact.id)
      #expect(!read.isBound)
      #expect(read.version == contact.version)
      bind.customerID = " "
      await expectRPCError(.invalidArgument, field: "customer_id", reason: "INVALID_SELECTOR") {
        _ = try await api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      }
      bind.customerID = "C-1"
      bind.contactID = 999_999
      await expectRPCError(.notFound, reason: "CONTACT_NOT_FOUND") {
        _ = try await api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      }
      // Still only the creation event: nothing was published for the refused writes.
      let marker = try await api.createLine(60)
      let events = try await api.events(count: 2)
      #expect(events.map(\.eventType) == ["contact.created", "contact.created"])
      #expect(
        try Maac_Contacts_V1_ContactCreated(unpackingAny: events[1].payload).contactID == marker.id)
    }
  }

  @Test(
    "C76: soft delete hides the contact, frees its identity, publishes contact.deleted; deleting again is OK"
  )
  func softDelete() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let contact = try await api.createLine(7)
      var delete = Maac_Contacts_V1_DeleteContactRequest()
      delete.contactID = contact.id
      let first = try await api.contacts.deleteContact(
        delete, metadata: As.user(ContactsHarness.orgA))
      #expect(first.deleted && !first.alreadyDeleted)
      await expectRPCError(.notFound) { _ = try await api.get(contact.id) }
      let second = try await api.contacts.deleteContact(
        delete, metadata: As.user(ContactsHarness.orgA))
      #expect(second.alreadyDeleted)
      let again = try await api.createLine(7)
      #expect(again.id != contact.id)
      var batch = Maac_Contacts_V1_BatchGetContactsRequest()
      batch.contactIds = [contact.id, again.id]
      let live = try await api.internals.batchGetContacts(
        batch, metadata: As.service(ContactsHarness.orgA))
      #expect(live.contacts.map(\.id) == [again.id])
      #expect(live.missingIds == [contact.id])
      batch.includeDeleted = true
      let all = try await api.internals.batchGetContacts(
        batch, metadata: As.service(ContactsHarness.orgA))
      #expect(all.contacts.first { $0.id == contact.id }?.hasDeletedAt == true)
      let events = try await api.events(count: 3)
      #expect(events.map(\.eventType) == ["contact.created", "contact.deleted", "contact.created"])
      let deleted = try Maac_Contacts_V1_ContactDeleted(unpackingAny: events[1].payload)
      #expect(deleted.externalMemberID == uid(7))
    }
  }

  @Test(
    "C37: UpdateContact cannot re-subscribe an email contact (FAILED_PRECONDITION EMAIL_STATUS_IRREVERSIBLE)"
  )
  func emailIrreversibleOverRPC() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      var email = Maac_Contacts_V1_CreateContactRequest()
      email.channelType = .email
      email.channelID = ContactsHarness.email
      email.externalID = "bo@example.com"
      email.fields = .with { $0.emailStatus = .hardBounce }
      let contact = try await api.contacts.createContact(
        email, metadata: As.user(ContactsHarness.orgA))
      #expect(contact.email.displayStatus == .suppressed)
      #expect(!contact.reachable)
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.fields = .with { $0.emailStatus = .subscribed }
      update.updateMask = Google_Protobuf_FieldMask(protoPaths: ["email_status"])
      await expectRPCError(.failedPrecondition, reason: "EMAIL_STATUS_IRREVERSIBLE") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }
}
