import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Contacts service: another organization's data does not exist", .serialized)
struct TenancyTests {
  @Test(
    "C73: every RPC answers NOT_FOUND (or leaves it out) for another organization's contact, task, export, channel"
  )
  func crossOrganization() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let a = ContactsHarness.orgA
      let b = As.user(ContactsHarness.orgB)
      let bService = As.service(ContactsHarness.orgB)
      var email = Maac_Contacts_V1_CreateContactRequest()
      email.channelType = .email
      email.channelID = ContactsHarness.email
      email.externalID = "amy@example.com"
      email.fields = .with { $0.emailStatus = .subscribed }
      let emailContact = try await api.contacts.createContact(email, metadata: As.user(a))
      let contact = try await api.createLine(
        1,
        fields: .with {
          $0.customerID = "C-1"
          $0.displayName = "Amy"
        })
      let task = try await api.importCSV("line_uid\n\(uid(2))\n")
      _ = try await api.finished(task.taskID)
      var exportRequest = Maac_Contacts_V1_CreateExportTaskRequest()
      exportRequest.ids.contactIds = [contact.id]
      let export = try await api.contacts.createExportTask(exportRequest, metadata: As.user(a))

      let notFound: [(String, () async throws -> Void)] = [
        ("GetContact", { _ = try await api.get(contact.id, org: ContactsHarness.orgB) }),
        (
          "UpdateContact",
          {
            var r = Maac_Contacts_V1_UpdateContactRequest()
            r.contactID = contact.id
            r.fields.city = "x"
            r.updateMask = Google_Protobuf_FieldMask(protoPaths: ["city"])
            _ = try await api.contacts.updateContact(r, metadata: b)
          }
        ),
        (
          "DeleteContact",
          {
            var r = Maac_Contacts_V1_DeleteContactRequest()
            r.contactID = contact.id
            _ = try await api.contacts.deleteContact(r, metadata: b)
          }
        ),
        (
          "BindCustomerId",
          {
            var r = Maac_Contacts_V1_BindCustomerIdRequest()
            r.contactID = contact.id
            r.customerID = "x"
            r.via = .api
            _ = try await api.contacts.bindCustomerId(r, metadata: b)
          }
        ),
        (
          "UnbindCustomerId",
          {
            var r = Maac_Contacts_V1_UnbindCustomerIdRequest()
            r.contactID = contact.id
            _ = try await api.contacts.unbindCustomerId(r, metadata: b)
          }
        ),
        (
          "ListContactHistory",
          {
            var r = Maac_Contacts_V1_ListContactHistoryRequest()
            r.contactID = contact.id
            _ = try await api.contacts.listContactHistory(r, metadata: b)
          }
        ),
        (
          "GetImportTask",
          {
            var r = Maac_Contacts_V1_GetImportTaskRequest()
            r.taskID = task.taskID
            _ = try await api.contacts.getImportTask(r, metadata: b)
          }
        ),
        (
          "ListImportRowResults",
          {
            var r = Maac_Contacts_V1_ListImportRowResultsRequest()
            r.taskID = task.taskID
            _ = try await api.contacts.listImportRowResults(r, metadata: b)
          }
        ),
        (
          "GetImportFailureReport",
          {
            var r = Maac_Contacts_V1_GetImportTaskRequest()
            r.taskID = task.taskID
            try await api.contacts.getImportFailureReport(r, metadata: b) {
              for try await _ in $0.messages {}
            }
          }
        ),
        (
          "GetExportTask",
          {
            var r = Maac_Contacts_V1_GetExportTaskRequest()
            r.taskID = export.taskID
            _ = try await api.contacts.getExportTask(r, metadata: b)
          }
        ),
        (
          "DownloadExport",
          {
            var r = Maac_Contacts_V1_GetExportTaskRequest()
            r.taskID = export.taskID
            try await api.contacts.downloadExport(r, metadata: b) {
              for try await _ in $0.messages {}
            }
          }
        ),
        (
          "CreateContact on another organization's channel",
          {
            var r = Maac_Contacts_V1_CreateContactRequest()
            r.channelType = .line
            r.channelID = ContactsHarness.line
            r.externalID = uid(5)
            _ = try await api.contacts.createContact(r, metadata: b)
          }
        ),
        (
          "CreateImportTask on another organization's channel",
          {
            _ = try await api.importCSV(
              "line_uid\n\(uid(6))\n", channel: ContactsHarness.line, org: ContactsHarness.orgB)
          }
        ),
        (
          "GetContactStats of another organization's channel",
          {
            var r = Maac_Contacts_V1_GetContactStatsRequest()
            r.channelID = ContactsHarness.line
            _ = try await api.contacts.getContactStats(r, metadata: b)
          }
        ),
        (
          "ApplyChannelEvent on another organization's channel",
          {
            var r = Maac_Contacts_V1_ApplyChannelEventRequest()
            r.channelType = .line
            r.channelID = ContactsHarness.line
            r.externalUserID = uid(1)
            r.kind = .lineFollow
            r.providerEventID = "b-1"
            _ = try await api.ingest.applyChannelEvent(r, metadata: bService)
          }
        ),
        (
          "RecordInteraction",
          {
            var r = Maac_Contacts_V1_RecordInteractionRequest()
            r.contactID = contact.id
            r.kind = .inboundMessage
            _ = try await api.ingest.recordInteraction(r, metadata: bService)
          }
        ),
        (
          "UpdateEmailMessagingStatus",
          {
            var r = Maac_Contacts_V1_UpdateEmailMessagingStatusRequest()
            r.channelEntityID = emailContact.id
            r.status = .hardBounce
            _ = try await api.ingest.updateEmailMessagingStatus(r, metadata: bService)
          }
        ),
        (
          "SetSystemAttributes",
          {
            var r = Maac_Contacts_V1_SetSystemAttributesRequest()
            r.contactID = contact.id
            r.engagementLevel = .lv3
            _ = try await api.ingest.setSystemAttributes(r, metadata: bService)
          }
        ),
        (
          "ResolveChannelEntity",
          {
            var r = Maac_Contacts_V1_ResolveChannelEntityRequest()
            r.channelType = .line
            r.channelExternalID = String(ContactsHarness.line)
            r.channelEntityExternalID = uid(1)
            _ = try await api.internals.resolveChannelEntity(r, metadata: bService)
          }
        ),
        (
          "ListChannelEntities",
          {
            var r = Maac_Contacts_V1_ListChannelEntitiesRequest()
            r.memberID = contact.id
            r.channelType = .line
            _ = try await api.internals.listChannelEntities(r, metadata: bService)
          }
        ),
        (
          "GetEmailRecipients",
          {
            var r = Maac_Contacts_V1_GetEmailRecipientsRequest()
            r.memberID = emailContact.id
            _ = try await api.internals.getEmailRecipients(r, metadata: bService)
          }
        ),
      ]
      for (name, call) in notFound {
        do {
          try await call()
          Issue.record("\(name) succeeded for another organization")
        } catch let error as RPCError {
          #expect(error.code == .notFound, "\(name): \(error)")
        }
      }
      // The same NOT_FOUND as a missing contact (C73): same code and message.
      var missing: RPCError?
      var foreign: RPCError?
      do { _ = try await api.get(999_999) } catch let error as RPCError { missing = error }
      do { _ = try await api.get(contact.id, org: ContactsHarness.orgB) } catch let error
        as RPCError
      { foreign = error }
      #expect(missing?.message == foreign?.message)

      // Lists, lookups and counts leave the other organization out.
      var search = Maac_Contacts_V1_SearchContactsRequest()
      search.includeCount = true
      let found = try await api.contacts.searchContacts(search, metadata: b)
      #expect(found.contacts.isEmpty && found.count == 0)
      var searchEmail = Maac_Contacts_V1_SearchEmailContactsRequest()
      searchEmail.email = "amy@example.com"
      #expect(try await api.contacts.searchEmailContacts(searchEmail, metadata: b).hits.isEmpty)
      #expect(try await api.contacts.listImportTasks(.init(), metadata: b).tasks.isEmpty)
      var statsAll = Maac_Contacts_V1_GetContactStatsRequest()
      statsAll.channelID = 0
      #expect(try await api.contacts.getContactStats(statsAll, metadata: b).total == 0)
      var batch = Maac_Contacts_V1_BatchGetContactsRequest()
      batch.contactIds = [contact.id]
      #expect(
        try await api.internals.batchGetContacts(batch, metadata: bService).missingIds == [
          contact.id
        ])
      var lookup = Maac_Contacts_V1_LookupContactsRequest()
      lookup.query.customerID = "C-1"
      #expect(try await api.internals.lookupContacts(lookup, metadata: bService).contacts.isEmpty)
      #expect(
        try await api.internals.lookupContacts(lookup, metadata: As.service(a)).contacts.map(\.id)
          == [contact.id])
      var members = Maac_Contacts_V1_ResolveMembersRequest()
      members.source = .maac
      members.memberIds = [contact.id]
      #expect(try await api.internals.resolveMembers(members, metadata: bService).items.isEmpty)
      #expect(
        try await api.internals.listChannelContactCounts(.init(), metadata: bService).counts.isEmpty
      )
      let streamed = try await api.internals.streamContacts(.init(), metadata: bService) {
        response in
        var n = 0
        for try await batch in response.messages { n += batch.contacts.count }
        return n
      }
      #expect(streamed == 0)
      var broadcast = Maac_Contacts_V1_ApplyProfileBroadcastRequest()
      broadcast.eventID = 1
      broadcast.version = 1
      broadcast.memberIds = [contact.id]
      broadcast.fields = ["display_name": "Hijack"]
      #expect(
        try await api.ingest.applyProfileBroadcast(broadcast, metadata: bService).ignoredContactIds
          == [contact.id])
      #expect(try await api.get(contact.id).displayName == "Amy")
      // Org B's event stream carries none of org A's events.
      var otherExport = Maac_Contacts_V1_CreateExportTaskRequest()
      otherExport.ids.contactIds = [contact.id]
      let bExport = try await api.contacts.createExportTask(otherExport, metadata: b)
      var get = Maac_Contacts_V1_GetExportTaskRequest()
      get.taskID = bExport.taskID
      while try await api.contacts.getExportTask(get, metadata: b).status != .succeeded {
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(try await api.contacts.getExportTask(get, metadata: b).rowCount == 0)
      let bEvents = try await api.events(count: 1, org: ContactsHarness.orgB)
      #expect(bEvents.allSatisfy { $0.organizationID == ContactsHarness.orgB })
    }
  }
}
