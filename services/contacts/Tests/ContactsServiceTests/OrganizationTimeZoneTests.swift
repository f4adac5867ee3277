import AdminService
import ContactsDomain
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

/// The REAL admin center (library `AdminService`, in-process on its own schema, over the real
/// transport) with one organization per time zone, beside contacts as its peer `admin`.
struct AdminBeside {
  let admin: RunningService
  /// The organizations created, in the order of the zones.
  let organizations: [Int64]

  static func run(zones: [String], _ body: (AdminBeside) async throws -> Void) async throws {
    try await TestDatabase.withServiceDatabase("contacts_admin") { adminDatabase in
      let process = ServiceProcess(
        name: AdminServer.name,
        configuration: ServiceConfiguration(
          databaseURL: adminDatabase.url, databaseSchema: adminDatabase.name, logLevel: .critical))
      let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
      let admin = try await RunningService.start(
        process, services: AdminServer.services(process: process, pool: pool),
        tenancy: AdminServer.tenancy)
      do {
        let ids = try await withTestClient(to: admin.address) { client in
          var ids: [Int64] = []
          for (n, zone) in zones.enumerated() {
            var request = Maac_Admin_V1_CreateOrganizationRequest()
            request.name = "Zone \(n)"
            request.timezone = zone
            ids.append(
              try await Maac_Admin_V1_AdminOps.Client(wrapping: client).createOrganization(
                request,
                metadata: CallerContext(
                  organizationID: nil, userID: "system:ops-test", requestID: "zone-\(n)"
                ).metadata
              ).id)
          }
          return ids
        }
        try await body(AdminBeside(admin: admin, organizations: ids))
      } catch {
        await admin.stop()
        await pool.shutdown()
        throw error
      }
      await admin.stop()
      await pool.shutdown()
    }
  }

  /// The LINE channel of the `n`th organization.
  static func channel(_ n: Int) -> Int64 { 11 + Int64(n) }

  /// The email channel of the `n`th organization.
  static func emailChannel(_ n: Int) -> Int64 { 51 + Int64(n) }

  /// Contacts with this admin center as peer `admin` (the known-organization gate, the time
  /// zones) and a LINE channel per organization.
  func withContacts(_ body: (ContactsService, Clients) async throws -> Void) async throws {
    let directory = StaticOrganizationDirectory(
      channels: Dictionary(
        uniqueKeysWithValues: organizations.enumerated().map { n, org in
          (
            org,
            [
              ChannelInfo(id: Self.channel(n), type: .line),
              ChannelInfo(id: Self.emailChannel(n), type: .email),
            ]
          )
        }))
    try await TestDatabase.withServiceDatabase("contacts_tz") { database in
      let (running, service) = try await PeerHarness.startService(
        database, peers: ContactsPeers(), directory: directory, admin: admin.address)
      do {
        try await withTestClient(to: running.address) { client in
          try await body(service, Clients(client))
        }
      } catch {
        await running.stop()
        throw error
      }
      await running.stop()
    }
  }
}

@Suite("The organization's time zone from admin center (C10, C40)")
struct OrganizationTimeZoneTests {
  /// UTC+14 and UTC−11: at every hour of the UTC day at least one of them is on another
  /// calendar day than UTC (Kiritimati from 10:00 UTC, Pago Pago before 11:00 UTC).
  static let zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago"]

  /// Waits out the last seconds of a UTC hour: both zones change day on a whole UTC hour, and
  /// the test's "today" and the service's must be the same day.
  static func awayFromTheHour() async throws {
    let second = Int(Date().timeIntervalSince1970) % 3600
    if second > 3600 - 20 { try await Task.sleep(for: .seconds(3600 - second + 2)) }
  }

  @Test(
    "C10: age is counted on the organization's day in its admin-center time zone (UTC+14, UTC−11), not UTC's, in Create, Get, Update, Search, BatchGet and Lookup"
  )
  func ageInOrganizationTimeZone() async throws {
    try await AdminBeside.run(zones: Self.zones) { admin in
      try await admin.withContacts { _, api in
        try await Self.awayFromTheHour()
        let now = Date()
        let utc = CalendarDate.today(in: .gmt, now: now)
        var differsFromUTC = false
        for (n, org) in admin.organizations.enumerated() {
          let zone = try #require(TimeZone(identifier: Self.zones[n]))
          let local = CalendarDate.today(in: zone, now: now)
          // A birthday on the later of the two days, 28 years back (the same day exists, 29
          // February included): a year older on that day than on the earlier one.
          let later = max(utc, local)
          let birthday = try #require(
            CalendarDate(year: later.year - 28, month: later.month, day: later.day))
          let expected = try #require(birthday.age(on: local).map(Int32.init))
          if birthday.age(on: utc).map(Int32.init) != expected { differsFromUTC = true }
          let place = "organization \(org), \(Self.zones[n])"

          let created = try await api.createLine(
            n + 1, org: org, channel: AdminBeside.channel(n),
            fields: .with { $0.birthday = birthday.description })
          #expect(created.age == expected, "CreateContact, \(place)")
          #expect(try await api.get(created.id, org: org).age == expected, "GetContact, \(place)")

          var update = Maac_Contacts_V1_UpdateContactRequest()
          update.contactID = created.id
          update.fields = .with { $0.note = "dated" }
          update.updateMask = .init(protoPaths: ["note"])
          let updated = try await api.contacts.updateContact(update, metadata: As.user(org))
          #expect(updated.age == expected, "UpdateContact, \(place)")

          let page = try await api.contacts.searchContacts(
            Maac_Contacts_V1_SearchContactsRequest(), metadata: As.user(org))
          #expect(page.contacts.map(\.id) == [created.id], "SearchContacts, \(place)")
          #expect(page.contacts.map(\.age) == [expected], "SearchContacts, \(place)")

          var batch = Maac_Contacts_V1_BatchGetContactsRequest()
          batch.contactIds = [created.id]
          #expect(
            try await api.internals.batchGetContacts(batch, metadata: As.service(org)).contacts.map(
              \.age) == [expected], "BatchGetContacts, \(place)")

          var lookup = Maac_Contacts_V1_LookupContactsRequest()
          lookup.query.lineUid = uid(n + 1)
          #expect(
            try await api.internals.lookupContacts(lookup, metadata: As.service(org)).contacts.map(
              \.age) == [expected], "LookupContacts, \(place)")
        }
        // The test can fail: under UTC at least one of the organizations would read another age.
        #expect(differsFromUTC, "UTC \(utc): neither zone is on another day")
      }
    }
  }

  @Test(
    "C40: an import reads consent_at in the organization's admin-center zone: 2026-03-01 00:30:00 is 10:30 UTC the day before at UTC+14 and 11:30 UTC the same day at UTC−11"
  )
  func importConsentAtInOrganizationTimeZone() async throws {
    try await AdminBeside.run(zones: Self.zones) { admin in
      try await admin.withContacts { _, api in
        // Expected instants: the cell read at +14 h and at −11 h.
        let expected: [Int64] = [1_772_274_600, 1_772_364_600]
        for (n, org) in admin.organizations.enumerated() {
          let task = try await api.importCSV(
            "email,messaging_status,consent_source,consent_at\n"
              + "consent\(n)@example.com,subscribed,web form,2026-03-01 00:30:00\n",
            target: .email, key: .email, channel: AdminBeside.emailChannel(n), org: org)
          let finished = try await api.finished(task.taskID, org: org)
          #expect(finished.status == .succeeded, "\(Self.zones[n])")
          #expect(finished.createdCount == 1, "\(Self.zones[n])")
          var lookup = Maac_Contacts_V1_LookupContactsRequest()
          lookup.query.email = "consent\(n)@example.com"
          let contact = try #require(
            try await api.internals.lookupContacts(lookup, metadata: As.service(org)).contacts.first
          )
          #expect(contact.email.consentSource == "web form", "\(Self.zones[n])")
          #expect(contact.email.consentAt.seconds == expected[n], "\(Self.zones[n])")
        }
      }
    }
  }

  @Test(
    "C40: the service's time-zone provider answers the organization's admin-center zone (the zone an email import reads consent_at in); after admin center stops, the zone it answered is kept and an organization it never answered for is UNAVAILABLE"
  )
  func timeZoneForConsentAt() async throws {
    try await AdminBeside.run(zones: Self.zones) { admin in
      try await admin.withContacts { service, _ in
        let kiritimati = admin.organizations[0]
        let zone = try await service.timeZones.timeZone(of: kiritimati)
        #expect(zone.identifier == "Pacific/Kiritimati")
        // C40: `consent_at` 2026-03-01 00:30:00 of a UTC+14 organization is 10:30 UTC the day
        // before (UTC would have read it 14 hours later).
        let consent = try ConsentTime.parse("2026-03-01 00:30:00", timeZone: zone)
        #expect(consent == Date(timeIntervalSince1970: 1_772_274_600))
        await admin.admin.stop()
        #expect(
          try await service.timeZones.timeZone(of: kiritimati).identifier == "Pacific/Kiritimati")
        await expectRPCError(.unavailable, reason: "admin center cannot confirm") {
          _ = try await service.timeZones.timeZone(of: admin.organizations[1])
        }
      }
    }
  }

  @Test(
    "§6.2, C10: admin center's organization.updated refreshes the cached zone at once: an age follows a changed time zone well before the gate's 60 s answer runs out"
  )
  func zoneChangeAppliesAtOnce() async throws {
    try await AdminBeside.run(zones: ["Pacific/Kiritimati"]) { admin in
      try await admin.withContacts { _, api in
        try await Self.awayFromTheHour()
        let org = admin.organizations[0]
        let kiritimati = try #require(TimeZone(identifier: "Pacific/Kiritimati"))
        let today = CalendarDate.today(in: kiritimati, now: Date())
        // Today in Kiritimati, 28 years back (a leap year too: 29 February exists).
        let birthday = try #require(
          CalendarDate(year: today.year - 28, month: today.month, day: today.day))
        // The gate's answer for the organization is fetched during the create: no older.
        let firstLookup = ContinuousClock.now
        let created = try await api.createLine(
          1, org: org, channel: AdminBeside.channel(0),
          fields: .with { $0.birthday = birthday.description })
        #expect(created.age == 28)

        try await withTestClient(to: admin.admin.address) { client in
          var request = Maac_Admin_V1_UpdateOrganizationRequest()
          request.organizationID = org
          request.timezone = "Pacific/Pago_Pago"
          request.updateMask = .init(protoPaths: ["timezone"])
          _ = try await Maac_Admin_V1_AdminOps.Client(wrapping: client).updateOrganization(
            request,
            metadata: CallerContext(
              organizationID: nil, userID: "system:ops-test", requestID: "zone-change"
            ).metadata)
        }
        // Pago Pago is 25 hours behind Kiritimati: its day is earlier, the birthday not yet
        // reached. Without the event the gate would answer Kiritimati until 60 s after the
        // first lookup, so 45 s tell the two apart.
        var age = created.age
        while age != 27, ContinuousClock.now - firstLookup < .seconds(45) {
          try await Task.sleep(for: .milliseconds(100))
          age = try await api.get(created.id, org: org).age
        }
        #expect(age == 27, "the age is still counted in the old zone")
      }
    }
  }
}
