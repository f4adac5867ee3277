import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import Testing

@Suite("Contacts service: import row results stored as runs (#5 Scale)", .serialized)
struct ImportRowRunTests {
  @Test(
    "C17: plain created/updated rows stored as runs answer ListImportRowResults exactly as one row each (paging, filters, report)"
  )
  func runsAnswerAsRows() async throws {
    // Batches of 3 records: runs end at batch ends, at a failed row, a tagged row and a blank line.
    try await ContactsHarness.run(batchSize: 3) { harness, client in
      let api = Clients(client)
      let existing = try await api.createLine(1)
      let csv = """
        line_uid,name,tags
        \(uid(1)),Updated,
        \(uid(2)),Bo,
        \(uid(3)),Cy,
        fake-4,Dee,
        \(uid(5)),Ed,vip
        \(uid(6)),Fi,

        \(uid(7)),Gu,
        \(uid(2)),Bo again,
        \(uid(8)),Hy,

        """
      let task = try await api.importCSV(csv)
      let done = try await api.finished(task.taskID)
      #expect(done.status == .succeeded)
      #expect(done.createdCount == 6)
      #expect(done.updatedCount == 2)
      #expect(done.failedCount == 1)

      let all = try await api.rows(task.taskID)
      #expect(all.map(\.rowNumber) == [2, 3, 4, 5, 6, 7, 9, 10, 11])
      #expect(
        all.map(\.outcome) == [
          .updated, .created, .created, .failed, .created, .created, .created, .updated, .created,
        ])
      #expect(
        all.map(\.keyValue) == [
          uid(1), uid(2), uid(3), "fake-4", uid(5), uid(6), uid(7), uid(2), uid(8),
        ])
      #expect(all[0].contactID == existing.id)
      #expect(all[1].contactID == all[7].contactID, "row 10 updates the contact row 3 created")
      #expect(all[3].contactID == 0)
      #expect(all[3].issues.map(\.code) == ["INVALID_LINE_UID"])
      #expect(all.enumerated().allSatisfy { $0.offset == 3 || $0.element.issues.isEmpty })
      for row in all where row.outcome != .failed {
        let contact = try await api.get(row.contactID)
        #expect(contact.externalMemberID == row.keyValue)
      }

      // Pages of two cross every run and batch boundary and give the same rows.
      var paged: [Maac_Contacts_V1_RowResult] = []
      var request = Maac_Contacts_V1_ListImportRowResultsRequest()
      request.taskID = task.taskID
      request.pageSize = 2
      while true {
        let page = try await api.contacts.listImportRowResults(
          request, metadata: As.user(ContactsHarness.orgA))
        #expect(page.rows.count <= 2)
        paged += page.rows
        if page.nextPageToken.isEmpty { break }
        request.pageToken = page.nextPageToken
      }
      #expect(paged == all)

      func filtered(_ configure: (inout Maac_Contacts_V1_ListImportRowResultsRequest) -> Void)
        async throws -> [Int64]
      {
        var request = Maac_Contacts_V1_ListImportRowResultsRequest()
        request.taskID = task.taskID
        configure(&request)
        return try await api.contacts.listImportRowResults(
          request, metadata: As.user(ContactsHarness.orgA)
        ).rows.map(\.rowNumber)
      }
      #expect(try await filtered { $0.outcomes = [.updated] } == [2, 10])
      #expect(try await filtered { $0.outcomes = [.created, .failed] } == [3, 4, 5, 6, 7, 9, 11])
      #expect(try await filtered { $0.onlyWithIssues = true } == [5])

      // Storage: only the failed and the tagged row have rows of their own; the others are in
      // runs, which never span a gap, a batch end or an outcome change.
      let pool = try harness.database.pool(maxConnections: 1)
      let single = try await pool.query(
        "SELECT row_number FROM import_row_result WHERE task_id = \(task.taskID) ORDER BY row_number"
      )
      #expect(try single.map { try $0.decode("row_number", as: Int64.self) } == [5, 6])
      let runs = try await pool.query(
        "SELECT first_row, last_row FROM import_row_run WHERE task_id = \(task.taskID) ORDER BY first_row"
      )
      #expect(
        try runs.map {
          [try $0.decode("first_row", as: Int64.self), try $0.decode("last_row", as: Int64.self)]
        } == [[2, 2], [3, 4], [7, 7], [9, 9], [10, 10], [11, 11]])
      await pool.shutdown()
    }
  }
}
