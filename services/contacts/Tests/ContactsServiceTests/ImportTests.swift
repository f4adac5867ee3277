import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@Suite("Contacts service: CSV import", .serialized)
struct ImportTests {
  @Test(
    "C17, C19, C20, C22, C24, C26, C27, C31: an asynchronous import creates, updates, skips, fails per row"
  )
  func importEndToEnd() async throws {
    try await ContactsHarness.run { harness, client in
      let api = Clients(client)
      let existing = try await api.createLine(
        1,
        fields: .with {
          $0.displayName = "Old"
          $0.note = "keep"
        })
      let csv = """
        line_uid,name,note,tags,favourite_colour,Member Tier,phone
        \(uid(1)),New,,"vip, new",blue,Gold,
        \(uid(2)),Bo,first,,red,,0912345678
        \(uid(2)),Bo2,,vip,,,
        fake-3,Cy,,,,,
        \(uid(4)),Dee,,,,,+85291234567

        """
      let task = try await api.importCSV(csv)
      #expect(task.status == .pending)
      #expect(task.warnings.map(\.code) == ["UNKNOWN_COLUMN"])
      #expect(task.warnings.first?.columns == ["favourite_colour"])
      let done = try await api.finished(task.taskID)
      #expect(done.status == .succeeded)
      #expect(done.totalRows == 5)
      #expect(done.processedRows == 5)
      #expect(done.createdCount == 1)
      #expect(done.updatedCount == 2)
      #expect(done.failedCount == 2)
      let rows = try await api.rows(task.taskID)
      #expect(rows.map(\.rowNumber) == [2, 3, 4, 5, 6])
      #expect(rows.map(\.outcome) == [.updated, .created, .updated, .failed, .failed])
      #expect(rows[3].issues.map(\.code) == ["INVALID_LINE_UID"])
      #expect(rows[4].issues.map(\.code) == ["PHONE_COUNTRY_MISMATCH"])
      let updated = try await api.get(existing.id)
      #expect(updated.displayName == "New")
      #expect(updated.note == "keep")
      #expect(updated.customFields.first?.value == "Gold")
      let created = try await api.get(rows[1].contactID)
      #expect(created.displayName == "Bo2")
      #expect(created.note == "first")
      #expect(created.displayMobile == "+886912345678")
      #expect(created.nameSyncState == .syncing)
      // C26: tag requests are recorded durably for the tag manager, merged per row.
      let pool = try harness.database.pool(maxConnections: 1)
      let tags = try await pool.query(
        "SELECT row_number, tag_names, tagged_via FROM tag_command ORDER BY row_number")
      #expect(try tags.map { try $0.decode("row_number", as: Int64.self) } == [2, 4])
      #expect(try tags[0].decode("tag_names", as: [String].self) == ["vip", "new"])
      #expect(try tags[0].decode("tagged_via", as: String.self) == "import")
      await pool.shutdown()
      // The failure report lists the failed rows with their cells.
      var report = Maac_Contacts_V1_GetImportTaskRequest()
      report.taskID = task.taskID
      let text = try await api.contacts.getImportFailureReport(
        report, metadata: As.user(ContactsHarness.orgA)
      ) {
        response in
        var data = Data()
        for try await chunk in response.messages { data.append(chunk.data) }
        return String(decoding: data, as: UTF8.self)
      }
      #expect(text.contains("row_number,outcome,errors"))
      #expect(text.contains("fake-3,Cy"))
      #expect(text.contains("PHONE_COUNTRY_MISMATCH"))
      #expect(!text.contains(uid(1)))
      // contact.import.finished is published.
      // One created before the import; the import: one created (row 3, updated by row 4 in the
      // same batch), one updated (rows 2), then the task's end.
      let events = try await api.events(count: 4)
      #expect(
        events.map(\.eventType) == [
          "contact.created", "contact.created", "contact.updated", "contact.import.finished",
        ])
    }
  }

  @Test("C30: invalid UTF-8 anywhere fails the task before any row applies")
  func encodingChecked() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      var bytes = Array("line_uid,name\n".utf8)
      for n in 1...50 { bytes += Array("\(uid(n)),Name \(n)\n".utf8) }
      bytes += Array("\(uid(51)),Am".utf8) + [0xE9] + Array("lie\n".utf8)
      let task = try await api.importBytes(bytes)
      let done = try await api.finished(task.taskID)
      #expect(done.status == .failed)
      #expect(done.error.code == "FILE_ENCODING_INVALID")
      #expect(done.createdCount == 0)
      var stats = Maac_Contacts_V1_GetContactStatsRequest()
      stats.channelID = 0
      #expect(
        try await api.contacts.getContactStats(stats, metadata: As.user(ContactsHarness.orgA)).total
          == 0)
      let broken = try await api.importCSV("line_uid,name\n\(uid(1)),\"unterminated\n")
      #expect(try await api.finished(broken.taskID).error.code == "CSV_MALFORMED")
    }
  }

  @Test(
    "C18, C29, C32: synchronous request checks name the field; a full queue is RESOURCE_EXHAUSTED")
  func requestChecks() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      await expectRPCError(.invalidArgument, field: "key", reason: "KEY_NOT_ALLOWED") {
        _ = try await api.importCSV("email\na@b.co\n", key: .email)
      }
      await expectRPCError(.invalidArgument, field: "header", reason: "KEY_COLUMN_MISSING") {
        _ = try await api.importCSV("name\nAmy\n")
      }
      await expectRPCError(
        .invalidArgument, field: "default_country", reason: "MISSING_DEFAULT_COUNTRY"
      ) {
        _ = try await api.importCSV("line_uid,phone\n\(uid(1)),0912345678\n", country: "")
      }
      await expectRPCError(.invalidArgument, field: "channel_id", reason: "CHANNEL_TYPE_MISMATCH") {
        _ = try await api.importCSV("line_uid\n\(uid(1))\n", channel: ContactsHarness.email)
      }
      await expectRPCError(.notFound, reason: "CHANNEL_NOT_FOUND") {
        _ = try await api.importCSV("line_uid\n\(uid(1))\n", channel: 999)
      }
      await expectRPCError(.invalidArgument, field: "header", reason: "REQUIRED_COLUMN_MISSING") {
        _ = try await api.importCSV(
          "email\na@b.co\n", target: .email, key: .email, channel: ContactsHarness.email)
      }
    }
  }

  @Test("C32: one running import per organization; more than 5 waiting is IMPORT_QUEUE_FULL")
  func queue() async throws {
    try await TestDatabase.withServiceDatabase("contacts_queue") { database in
      // No worker runs in this process: tasks stay pending, so the queue limit is observable.
      let process = ServiceProcess(
        name: "contacts",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, logLevel: .critical))
      let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
      let service = ContactsService(
        process: process, pool: pool, directory: ContactsHarness.directory)
      let running = try await RunningService.start(
        process, services: service.services, tenancy: service.tenancy)
      try await withTestClient(to: running.address) { client in
        let api = Clients(client)
        for n in 1...5 { _ = try await api.importCSV("line_uid\n\(uid(n))\n") }
        await expectRPCError(.resourceExhausted, reason: "IMPORT_QUEUE_FULL") {
          _ = try await api.importCSV("line_uid\n\(uid(6))\n")
        }
        // Another organization has its own queue.
        _ = try await api.importCSV(
          "line_uid\n\(uid(6))\n", channel: ContactsHarness.lineB, org: ContactsHarness.orgB)
      }
      await running.stop()
    }
  }

  @Test(
    "C17, C34: killing the service mid-import and restarting it resumes the task; no row is applied twice"
  )
  func killAndResume() async throws {
    try await TestDatabase.withServiceDatabase("contacts_resume") { database in
      let total = 3000
      var csv = "line_uid,name\n"
      for n in 1...total { csv += "\(uid(n)),Name \(n)\n" }
      var first: RunningService? = try await ContactsHarness.start(
        database, batchSize: 100, lease: .seconds(1))
      let taskID = try await withTestClient(to: first!.address) { client in
        let api = Clients(client)
        let task = try await api.importCSV(csv)
        var request = Maac_Contacts_V1_GetImportTaskRequest()
        request.taskID = task.taskID
        // Wait until some, not all, rows are applied, then kill the process.
        while true {
          let progress = try await api.contacts.getImportTask(
            request, metadata: As.user(ContactsHarness.orgA))
          if progress.processedRows > 0 { break }
          try await Task.sleep(for: .milliseconds(5))
        }
        return task.taskID
      }
      await first!.stop()
      first = nil
      let pool = try database.pool(maxConnections: 1)
      let atKill = try await pool.query(
        "SELECT processed_rows, status FROM import_task WHERE id = \(taskID)")[0]
      let processedAtKill = try atKill.decode("processed_rows", as: Int64.self)
      #expect(
        processedAtKill < Int64(total),
        "the kill must land mid-import for this test to mean anything")

      let second = try await ContactsHarness.start(database, batchSize: 100, lease: .seconds(1))
      try await withTestClient(to: second.address) { client in
        let api = Clients(client)
        let done = try await api.finished(taskID)
        #expect(done.status == .succeeded)
        #expect(done.createdCount == Int64(total))
        #expect(done.processedRows == Int64(total))
      }
      await second.stop()
      let contacts = try await pool.query(
        "SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM contact WHERE organization_id = \(ContactsHarness.orgA)"
      )[0]
      #expect(try contacts.decode("n", as: Int64.self) == Int64(total))
      #expect(try contacts.decode("d", as: Int64.self) == Int64(total))
      // Row results are stored one by one or as runs of plain rows (ImportRowRun): count both.
      let results = try await pool.query(
        """
        SELECT count(*) AS n, count(DISTINCT row_number) AS d, min(row_number) AS lo, max(row_number) AS hi
        FROM (SELECT row_number FROM import_row_result WHERE task_id = \(taskID)
          UNION ALL SELECT generate_series(first_row, last_row) FROM import_row_run
          WHERE task_id = \(taskID)) r
        """
      )[0]
      #expect(try results.decode("n", as: Int64.self) == Int64(total))
      #expect(try results.decode("d", as: Int64.self) == Int64(total))
      #expect(try results.decode("lo", as: Int64.self) == 2)
      #expect(try results.decode("hi", as: Int64.self) == Int64(total + 1))
      let events = try await pool.query(
        "SELECT count(*) AS n FROM outbox_events WHERE event_type = 'contact.created'")[0]
      #expect(try events.decode("n", as: Int64.self) == Int64(total))
      await pool.shutdown()
    }
  }

  @Test("C35, C37, C39, C42: email and WhatsApp imports — statuses, irreversibility, domain check")
  func emailAndWhatsApp() async throws {
    try await ContactsHarness.run { _, client in
      let api = Clients(client)
      var create = Maac_Contacts_V1_CreateContactRequest()
      create.channelType = .email
      create.channelID = ContactsHarness.email
      create.externalID = "old@example.com"
      create.fields = .with { $0.emailStatus = .unsubscribed }
      let old = try await api.contacts.createContact(
        create, metadata: As.user(ContactsHarness.orgA))
      let csv = """
        email,messaging_status,display_name
        old@example.com,subscribed,Old
        new@nowhere.invalid,subscribed,New
        blank@example.com,,Blank

        """
      let task = try await api.importCSV(
        csv, target: .email, key: .email, channel: ContactsHarness.email, country: "")
      let done = try await api.finished(task.taskID)
      let rows = try await api.rows(task.taskID)
      #expect(rows.map(\.outcome) == [.updated, .created, .failed])
      #expect(rows[0].issues.map(\.code) == ["STATUS_CHANGE_IGNORED"])
      #expect(rows[1].issues.map(\.code) == ["EMAIL_DOMAIN_INVALID"])
      #expect(rows[2].issues.map(\.code) == ["MISSING_MESSAGING_STATUS"])
      #expect(done.rowsWithIssues == 2)
      let stillOff = try await api.get(old.id)
      #expect(stillOff.email.status == .unsubscribed)
      #expect(stillOff.displayName == "Old")
      #expect(try await api.get(rows[1].contactID).email.status == .suppressed)

      let wa = try await api.importCSV(
        "WhatsApp_mobile,messaging_status\n+886912345678,opted_in\n+886912345679,\n",
        target: .whatsapp, key: .phone,
        channel: ContactsHarness.whatsapp, country: "")
      _ = try await api.finished(wa.taskID)
      let waRows = try await api.rows(wa.taskID)
      #expect(waRows.map(\.outcome) == [.created, .skipped])
      #expect(try await api.get(waRows[0].contactID).requiresRiskAcceptance == false)
    }
  }
}
