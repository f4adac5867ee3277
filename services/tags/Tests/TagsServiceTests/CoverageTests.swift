import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import TagsDomain
import Testing

@testable import TagsService

/// T21 against the REAL contacts service (library `ContactsService`, in-process on its own
/// schema): the tag manager follows its events for the coverage copy and asks its
/// `ListChannelContactCounts` for the totals.
@Suite("Tag coverage with the real contacts service")
struct CoverageTests {
  static let org: Int64 = 101

  static func coverage(
    _ client: TagsClient, org: Int64 = CoverageTests.org, channel: Int64, day: CalendarDay
  ) async throws
    -> Maac_Tags_V1_TagCoverageDaily?
  {
    var request = Maac_Tags_V1_GetTagCoverageRequest()
    request.channelID = channel
    request.startDate = day.description
    request.endDate = day.description
    return try await client.getTagCoverage(request, metadata: tenant(org)).points.first
  }

  @Test(
    "T21: coverage of the current day from contacts' totals and the event-fed channel copy; deletions leave the totals; an unreachable contacts service leaves a day missing, never 0"
  )
  func coverageFromRealContacts() async throws {
    try await TestDatabase.withServiceDatabase("tgcontactsreal") { contactsDatabase in
      let contactsProcess = ServiceProcess(
        name: "contacts",
        configuration: ServiceConfiguration(
          databaseURL: contactsDatabase.url, databaseSchema: contactsDatabase.name,
          logLevel: .critical))
      let contactsPool = try await contactsProcess.openDatabase(
        migrations: try ContactsService.migrations())
      let contactsService = ContactsService(
        process: contactsProcess, pool: contactsPool,
        directory: StaticOrganizationDirectory.parse("\(Self.org):11:line,\(Self.org):12:line"))
      let contacts = try await RunningService.start(
        contactsProcess, services: contactsService.services, tenancy: contactsService.tenancy,
        background: contactsService.background)
      do {
        try await TagsHarness.withDatabase { base in
          var harness = base
          harness.peers["contacts"] = contacts.address
          let pool = try harness.pool()
          let today = CalendarDay(containing: Date(), in: CoverageCalculator.defaultTimeZone)
          try await harness.withService { client, raw in
            let ids = try await withTestClient(to: contacts.address) { contactsRaw in
              let api = Maac_Contacts_V1_Contacts.Client(wrapping: contactsRaw)
              var created: [Int64] = []
              for (index, channel) in [11, 11, 12].enumerated() {
                var request = Maac_Contacts_V1_CreateContactRequest()
                request.channelType = .line
                request.channelID = Int64(channel)
                request.externalID = "U" + String(format: "%032x", index + 1)
                created.append(
                  try await api.createContact(
                    request, metadata: CallerContext.tenant(Self.org).metadata
                  ).id)
              }
              return created
            }
            // The copy follows contacts' events (never contacts' tables).
            try await eventually {
              try await pool.query(
                "SELECT count(*) AS n FROM contact_channel WHERE organization_id = \(Self.org)"
              )[0].decode("n", as: Int64.self) == 3
            }
            let vip = try await client.create("vip", org: Self.org)
            _ = try await client.attach([vip.id], to: [ids[0], ids[2]], org: Self.org)

            // Before any run the day is missing, never 0.
            #expect(try await Self.coverage(client, channel: 0, day: today)?.state == .missing)
            let ops = Maac_Tags_V1_TagManagerOps.Client(wrapping: raw)
            let job = try await client.recompute(today, today, org: Self.org, ops: ops)
            #expect(job.status == .succeeded)
            #expect(job.kind == .coverageRecompute)
            #expect(job.processed == 1)
            let all = try #require(try await Self.coverage(client, channel: 0, day: today))
            #expect(all.state == .computed)
            #expect(all.totalContacts == 3)
            #expect(all.taggedContacts == 2)
            #expect(abs(all.coverageRate - 2.0 / 3.0) < 1e-9)
            let first = try #require(try await Self.coverage(client, channel: 11, day: today))
            #expect(first.totalContacts == 2)
            #expect(first.taggedContacts == 1)
            let second = try #require(try await Self.coverage(client, channel: 12, day: today))
            #expect(second.totalContacts == 1)
            #expect(second.taggedContacts == 1)
            #expect(second.coverageRate == 1)
            // Yesterday never ran: missing.
            let yesterdayDay = CalendarDay(
              containing: Date().addingTimeInterval(-86_400), in: CoverageCalculator.defaultTimeZone
            )
            var yesterday = Maac_Tags_V1_GetTagCoverageRequest()
            yesterday.startDate = yesterdayDay.description
            yesterday.endDate = today.description
            let points = try await client.getTagCoverage(yesterday, metadata: tenant(Self.org))
              .points
            #expect(points.map(\.state) == [.missing, .computed])

            _ = try await client.recompute(yesterdayDay, yesterdayDay, org: Self.org, ops: ops)
            // At the end of yesterday none of the contacts existed yet (the copy's log says
            // so): a computed 0, not missing.
            let empty = try #require(try await Self.coverage(client, channel: 0, day: yesterdayDay))
            #expect(empty.state == .computed)
            #expect(empty.totalContacts == 0)

            // A deleted contact leaves the totals and (T25) its tags.
            _ = try await withTestClient(to: contacts.address) { contactsRaw in
              var delete = Maac_Contacts_V1_DeleteContactRequest()
              delete.contactID = ids[2]
              return try await Maac_Contacts_V1_Contacts.Client(wrapping: contactsRaw)
                .deleteContact(delete, metadata: CallerContext.tenant(Self.org).metadata)
            }
            try await eventually {
              try await pool.query(
                "SELECT count(*) AS n FROM contact_channel WHERE organization_id = \(Self.org) AND deleted_at IS NOT NULL"
              )[0].decode("n", as: Int64.self) == 1
            }
            #expect(
              try await client.recompute(today, today, org: Self.org, ops: ops).status == .succeeded
            )
            let after = try #require(try await Self.coverage(client, channel: 0, day: today))
            #expect(after.totalContacts == 2)
            #expect(after.taggedContacts == 1)
            #expect(try await Self.coverage(client, channel: 12, day: today)?.totalContacts == 0)
          }

          // Contacts unreachable: a fresh organization's day stays missing, never 0, and the
          // recompute job says why; the computed day of org 101 is kept.
          await contacts.stop()
          try await harness.withService { client, raw in
            let ops = Maac_Tags_V1_TagManagerOps.Client(wrapping: raw)
            let failed = try await client.recompute(today, today, org: Self.org, ops: ops)
            #expect(failed.status == .failed)
            #expect(
              failed.errorMessage.contains("ListChannelContactCounts"), "\(failed.errorMessage)")
            #expect(try await Self.coverage(client, channel: 0, day: today)?.totalContacts == 2)
            #expect(try await Self.coverage(client, channel: 0, day: today)?.state == .computed)
            var other = Maac_Tags_V1_GetTagCoverageRequest()
            other.startDate = today.description
            other.endDate = today.description
            #expect(try await client.recompute(today, today, org: 202, ops: ops).status == .failed)
            let missing = try await client.getTagCoverage(other, metadata: tenant(202)).points
            #expect(missing.map(\.state) == [.missing])
            #expect(missing.first?.totalContacts == 0)
          }
          await pool.shutdown()
        }
      } catch {
        await contacts.stop()
        await contactsPool.shutdown()
        throw error
      }
      await contactsPool.shutdown()
    }
  }
}
