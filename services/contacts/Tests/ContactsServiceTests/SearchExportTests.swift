import ContactsDomain
import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Contacts service: lookup, list, export", .serialized)
struct SearchExportTests {
  @Test(
    "C63, C66, C10: lookup by name substring, LINE UID, phone (E.164), email (case-insensitive), customer id"
  )
  func lookups() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let amy = try await api.createLine(
        1,
        fields: .with {
          $0.displayName = "Amy Lee"
          $0.displayMobile = "+886912345678"
          $0.displayEmail = "Amy@Example.com"
          $0.customerID = "C-1"
        })
      _ = try await api.createLine(2, fields: .with { $0.displayName = "Bo" })
      func search(_ configure: (inout Maac_Contacts_V1_IdentifierQuery) -> Void) async throws
        -> [Int64]
      {
        var request = Maac_Contacts_V1_SearchContactsRequest()
        configure(&request.query)
        return try await api.contacts.searchContacts(
          request, metadata: As.user(ContactsHarness.orgA)
        ).contacts.map(\.id)
      }
      #expect(try await search { $0.name = "my l" } == [amy.id])
      #expect(try await search { $0.lineUid = uid(1) } == [amy.id])
      #expect(try await search { $0.phone = "+886 912-345-678" } == [amy.id])
      #expect(try await search { $0.email = "amy@EXAMPLE.com" } == [amy.id])
      #expect(try await search { $0.customerID = "C-1" } == [amy.id])
      #expect(try await search { $0.customerID = "c-1" }.isEmpty)
      #expect(try await search { $0.any = "Amy@example.com" } == [amy.id])
      // C66: filters are segment's; while it is unreachable the answer is UNAVAILABLE, never 400.
      var filtered = Maac_Contacts_V1_SearchContactsRequest()
      filtered.filter = .init()
      await expectRPCError(.unavailable, reason: "SEGMENT_UNAVAILABLE") {
        _ = try await api.contacts.searchContacts(filtered, metadata: As.user(ContactsHarness.orgA))
      }
      // C10: age is derived at read time.
      var aged = Maac_Contacts_V1_UpdateContactRequest()
      aged.contactID = amy.id
      aged.fields.birthday = "2000-01-01"
      aged.updateMask = Google_Protobuf_FieldMask(protoPaths: ["birthday"])
      let withAge = try await api.contacts.updateContact(
        aged, metadata: As.user(ContactsHarness.orgA))
      #expect(withAge.age >= 26)
      await expectRPCError(.invalidArgument, field: "query.name", reason: "EMPTY_REQUEST") {
        _ = try await search { $0.name = " " }
      }
    }
  }

  @Test("C65: pages never repeat or skip while contacts arrive; tokens are bound to their query")
  func stablePaging() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      var ids: Set<Int64> = []
      for n in 1...25 { ids.insert(try await api.createLine(n).id) }
      var request = Maac_Contacts_V1_SearchContactsRequest()
      request.pageSize = 10
      var seen: [Int64] = []
      var extra = 100
      while true {
        let page = try await api.contacts.searchContacts(
          request, metadata: As.user(ContactsHarness.orgA))
        seen += page.contacts.map(\.id)
        // Contacts arriving between pages must neither shift nor join the pinned result.
        for _ in 0..<3 {
          extra += 1
          _ = try await api.createLine(extra)
        }
        if page.nextPageToken.isEmpty { break }
        request.pageToken = page.nextPageToken
      }
      #expect(seen.count == 25)
      #expect(Set(seen) == ids)
      #expect(seen == seen.sorted(by: >))
      request.query.name = "x"
      await expectRPCError(.invalidArgument, field: "page_token", reason: "INVALID_CURSOR") {
        _ = try await api.contacts.searchContacts(request, metadata: As.user(ContactsHarness.orgA))
      }
      request.pageToken = ""
      request.pageSize = 1001
      await expectRPCError(.invalidArgument, field: "page_size", reason: "INVALID_LIMIT") {
        _ = try await api.contacts.searchContacts(request, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }

  @Test(
    "C75: an export is a UTF-8 CSV with BOM and import-compatible headers, downloadable once completed"
  )
  func export() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      let amy = try await api.createLine(
        1,
        fields: .with {
          $0.displayName = "Amy, Lee"
          $0.customFields = ["customized_field_1": "Gold"]
        })
      var request = Maac_Contacts_V1_CreateExportTaskRequest()
      request.search = Maac_Contacts_V1_SearchContactsRequest()
      let task = try await api.contacts.createExportTask(
        request, metadata: As.user(ContactsHarness.orgA))
      var get = Maac_Contacts_V1_GetExportTaskRequest()
      get.taskID = task.taskID
      var state = task
      while state.status != .succeeded && state.status != .failed {
        try await Task.sleep(for: .milliseconds(50))
        state = try await api.contacts.getExportTask(get, metadata: As.user(ContactsHarness.orgA))
      }
      #expect(state.status == .succeeded)
      #expect(state.rowCount == 1)
      #expect(state.hasExpiresAt)
      let data = try await api.contacts.downloadExport(get, metadata: As.user(ContactsHarness.orgA))
      { response in
        var data = Data()
        for try await chunk in response.messages { data.append(chunk.data) }
        return data
      }
      #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
      let records = try CSVReaderShim.records(data)
      #expect(records[0].prefix(4) == ["line_uid", "phone", "customer_id", "name"])
      #expect(records[0].contains("Member Tier"))
      let row = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
      #expect(row["line_uid"] == uid(1))
      #expect(row["name"] == "Amy, Lee")
      #expect(row["Member Tier"] == "Gold")
      #expect(row["contact_id"] == String(amy.id))
      // Re-importing the export updates the same contact.
      let reimport = try await api.importBytes(Array(data))
      let done = try await api.finished(reimport.taskID)
      #expect(done.updatedCount == 1)
      #expect(done.createdCount == 0)
      #expect(done.warnings.map(\.code).contains("NON_IMPORTABLE_COLUMN"))
    }
  }
}

enum CSVReaderShim {
  static func records(_ data: Data) throws -> [[String]] {
    try CSVReader.records(of: Array(data)).map(\.fields)
  }
}
