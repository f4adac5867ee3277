import CdhService
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import Synchronization
import Testing

/// The real CDH service (library `CdhService`, in-process on its own schema, over the real
/// transport) beside contacts: CDH follows contacts' event stream, answers contacts'
/// `UpdateProfile` calls and writes merged profiles back through `ApplyProfileBroadcast`.
struct CDHBeside {
  let cdh: RunningService
  let cdhClient: GRPCClient<NGHTTP2ClientTransport>
  let api: Clients
  /// The contacts service as assembled (its retry counts).
  let contacts: ContactsService
  /// The contacts process's metrics.
  let metrics: RPCMetrics

  /// - Parameter profiles: what contacts uses as its CDH, made from the real CDH client
  ///   (default: the client itself).
  static func run(
    profiles: @escaping (CdhProfileClient) -> any ProfileAuthority = { $0 },
    _ body: (CDHBeside) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("contacts_cdh") { cdhDatabase in
      try await TestDatabase.withServiceDatabase("contacts_withcdh") { contactsDatabase in
        let process = ServiceProcess(
          name: "cdh",
          configuration: ServiceConfiguration(
            databaseURL: cdhDatabase.url, databaseSchema: cdhDatabase.name, logLevel: .critical))
        let pool = try await process.openDatabase(migrations: try CDHMigrations.all())
        let runtime = try await CDHRuntime.start(
          pool: pool, outbox: process.outbox, logger: process.logger)
        let cdh = try await RunningService.start(
          process,
          services: CdhServices.all(
            runtime: runtime,
            eventStream: process.eventStream(
              method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, pool: pool)),
          tenancy: CdhServices.tenancy)
        var followers: Task<Void, any Error>?
        var contacts: RunningService?
        do {
          try await withTestClient(to: cdh.address) { cdhClient in
            let metrics = RPCMetrics()
            let (service, assembled) = try await PeerHarness.startService(
              contactsDatabase,
              peers: ContactsPeers(profiles: profiles(CdhProfileClient(client: cdhClient))),
              metrics: metrics)
            contacts = service
            let logger = process.logger
            let outbox = process.outbox
            followers = Task {
              try await CDHEventFollowers.run(
                runtime: runtime, pool: pool, contacts: service.address, tags: nil, logger: logger,
                writeBack: ContactsWriteBack(
                  runtime: runtime, pool: pool, outbox: outbox, logger: logger))
            }
            try await withTestClient(to: service.address) { client in
              try await body(
                CDHBeside(
                  cdh: cdh, cdhClient: cdhClient, api: Clients(client), contacts: assembled,
                  metrics: metrics))
            }
          }
        } catch {
          followers?.cancel()
          await contacts?.stop()
          await cdh.stop()
          throw error
        }
        followers?.cancel()
        await contacts?.stop()
        await cdh.stop()
        await runtime.idle()
      }
    }
  }

  static var orgAdmin: Metadata {
    CallerContext.tenant(ContactsHarness.orgA, roles: ["org_admin"]).metadata
  }

  static func member(_ id: Int64) -> Maac_Common_V1_MemberRef {
    var member = Maac_Common_V1_MemberRef()
    member.source = .maac
    member.memberID = id
    return member
  }

  /// Sets the organization's unify keys and waits for CDH's job to finish.
  func unifyOn(_ keys: [Maac_Cdh_V1_UnifyAttribute]) async throws {
    let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: cdhClient)
    var request = Maac_Cdh_V1_UpdateUnifyKeysRequest()
    request.unifyKeys = keys.map { key in
      var unifyKey = Maac_Cdh_V1_UnifyKey()
      unifyKey.attribute = key
      return unifyKey
    }
    _ = try await settings.updateUnifyKeys(request, metadata: Self.orgAdmin)
    try await eventually("CDH's re-unification job finished") {
      try await settings.getMergeState(.init(), metadata: Self.orgAdmin).isFinished
    }
  }

  /// CDH's members of the contact's person (empty while CDH does not know it).
  func members(of id: Int64) async throws -> [Int64] {
    var request = Maac_Cdh_V1_ListUnifiedMembersRequest()
    request.member = Self.member(id)
    do {
      return try await Maac_Cdh_V1_ProfileService.Client(wrapping: cdhClient)
        .listUnifiedMembers(request, metadata: Self.orgAdmin).members.map(\.memberID).sorted()
    } catch let error as RPCError where error.code == .notFound {
      return []
    }
  }

  func merged(_ id: Int64) async throws -> Maac_Cdh_V1_MergedProfile {
    var request = Maac_Cdh_V1_GetMergedProfileRequest()
    request.member = Self.member(id)
    return try await Maac_Cdh_V1_ProfileService.Client(wrapping: cdhClient)
      .getMergedProfile(request, metadata: Self.orgAdmin)
  }

  /// A LINE and an email contact with the same phone, which CDH unifies into one person.
  func person() async throws -> (line: Int64, email: Int64) {
    try await unifyOn([.displayMobile])
    let line = try await api.createLine(1, fields: .with { $0.displayMobile = "+886912345678" })
    var create = Maac_Contacts_V1_CreateContactRequest()
    create.channelType = .email
    create.channelID = ContactsHarness.email
    create.externalID = "amy@example.com"
    create.fields = .with {
      $0.emailStatus = .subscribed
      $0.displayMobile = "+886912345678"
    }
    let email = try await api.contacts.createContact(
      create, metadata: As.user(ContactsHarness.orgA))
    try await eventually("CDH unified the two contacts") {
      try await members(of: line.id) == [line.id, email.id].sorted()
    }
    return (line.id, email.id)
  }

  func history(_ id: Int64, field: String) async throws -> [Maac_Contacts_V1_HistoryEntry] {
    var request = Maac_Contacts_V1_ListContactHistoryRequest()
    request.contactID = id
    request.field = field
    return try await api.contacts.listContactHistory(
      request, metadata: As.user(ContactsHarness.orgA)
    ).entries
  }
}

@Suite("Person-level writes through the real CDH (C48, C69)")
struct PersonLevelWriteTests {
  @Test(
    "C48: binding a customer id the moment a contact is created succeeds: contacts waits (bounded, no row lock held) until CDH has followed the creation"
  )
  func bindRightAfterCreate() async throws {
    try await CDHBeside.run { env in
      for n in 1...5 {
        let created = try await env.api.createLine(40 + n)
        var bind = Maac_Contacts_V1_BindCustomerIdRequest()
        bind.contactID = created.id
        bind.customerID = "NEW-\(n)"
        bind.via = .api
        let bound = try await env.api.contacts.bindCustomerId(
          bind, metadata: As.user(ContactsHarness.orgA))
        #expect(bound.customerID == "NEW-\(n)")
        #expect(try await env.merged(created.id).fields.customID == "NEW-\(n)")
      }
    }
  }

  @Test(
    "C48, C69: concurrent person-level writes on two members of one person both succeed, with no deadlock: every member is locked in id order before the CDH call (the deadlock-retry count stays 0)"
  )
  func concurrentWritesOnOnePerson() async throws {
    try await CDHBeside.run { env in
      let person = try await env.person()
      let api = env.api
      for round in 1...20 {
        async let onLine: Maac_Contacts_V1_Contact = {
          var bind = Maac_Contacts_V1_BindCustomerIdRequest()
          bind.contactID = person.line
          bind.customerID = "L-\(round)"
          bind.via = .api
          return try await api.contacts.bindCustomerId(
            bind, metadata: As.user(ContactsHarness.orgA))
        }()
        async let onEmail: Maac_Contacts_V1_Contact = {
          var update = Maac_Contacts_V1_UpdateContactRequest()
          update.contactID = person.email
          update.fields = .with { $0.customerID = "E-\(round)" }
          update.updateMask = .init(protoPaths: ["customer_id"])
          return try await api.contacts.updateContact(
            update, metadata: As.user(ContactsHarness.orgA))
        }()
        let (line, email) = try await (onLine, onEmail)
        #expect(line.customerID == "L-\(round)" || line.customerID == "E-\(round)")
        #expect(email.customerID == "L-\(round)" || email.customerID == "E-\(round)")
      }
      // The person ends with one value, on both members.
      try await eventually("both members hold the person's customer id") {
        let merged = try await env.merged(person.line).fields.customID
        let line = try await api.get(person.line).customerID
        let email = try await api.get(person.email).customerID
        return line == merged && email == merged
      }
      #expect(env.contacts.personWriteRetries.count(.deadlock) == 0)
      #expect(
        env.metrics.render().contains(#"maac_contacts_person_write_retries{reason="deadlock"} 0"#),
        "\(env.metrics.render())")
    }
  }

  @Test(
    "C48, C69: a member the write did not lock (the person changed between contacts' member question and CDH's answer) rolls the write back and runs it again with every member locked; both members end with the value"
  )
  func membershipChangedRunsAgain() async throws {
    let stale = StaleMembersOnce()
    try await CDHBeside.run(profiles: { stale.wrapping($0) }) { env in
      let person = try await env.person()
      stale.arm()
      var bind = Maac_Contacts_V1_BindCustomerIdRequest()
      bind.contactID = person.line
      bind.customerID = "M-1"
      bind.via = .api
      let bound = try await env.api.contacts.bindCustomerId(
        bind, metadata: As.user(ContactsHarness.orgA))
      #expect(bound.customerID == "M-1")
      #expect(env.contacts.personWriteRetries.count(.membershipChanged) == 1)
      #expect(env.contacts.personWriteRetries.count(.deadlock) == 0)
      #expect(try await env.api.get(person.email).customerID == "M-1")
    }
  }

  @Test(
    "§4.1, C48: a repeat of an answered unbind (same request_id) returns the stored answer while CDH is down; a new unbind then answers UNAVAILABLE CDH_UNAVAILABLE"
  )
  func repeatWhileCDHDown() async throws {
    try await CDHBeside.run { env in
      let person = try await env.person()
      var bind = Maac_Contacts_V1_BindCustomerIdRequest()
      bind.contactID = person.line
      bind.customerID = "R-1"
      bind.via = .api
      _ = try await env.api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      // Unbind always acts through CDH (no no-op shortcut), so its repeat would need CDH.
      var unbind = Maac_Contacts_V1_UnbindCustomerIdRequest()
      unbind.contactID = person.line
      unbind.via = .api
      unbind.requestID = "unbind-r-1"
      let first = try await env.api.contacts.unbindCustomerId(
        unbind, metadata: As.user(ContactsHarness.orgA))
      await env.cdh.stop()
      let again = try await env.api.contacts.unbindCustomerId(
        unbind, metadata: As.user(ContactsHarness.orgA))
      #expect(again == first)
      unbind.requestID = "unbind-r-2"
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await env.api.contacts.unbindCustomerId(
          unbind, metadata: As.user(ContactsHarness.orgA))
      }
    }
  }

  @Test(
    "C47, C48, C50, C62: bind and unbind act on the person through CDH — every member gets the value, a clear leaves no member holding it, so it never reappears; history keeps origin and via"
  )
  func bindActsOnThePerson() async throws {
    try await CDHBeside.run { env in
      let api = env.api
      let person = try await env.person()
      var bind = Maac_Contacts_V1_BindCustomerIdRequest()
      bind.contactID = person.line
      bind.customerID = "C-42"
      bind.via = .liff
      let bound = try await api.contacts.bindCustomerId(
        bind, metadata: As.user(ContactsHarness.orgA))
      // C62: the contact answers with CDH's merged value at once.
      #expect(bound.customerID == "C-42")
      #expect(bound.isBound)
      #expect(try await api.get(person.line).customerID == "C-42")
      #expect(try await env.merged(person.line).fields.customID == "C-42")
      let entry = try #require(try await env.history(person.line, field: "custom_id").first)
      #expect(entry.newValue == "C-42")
      #expect(entry.origin == .cdh)
      #expect(entry.via == "liff")
      #expect(entry.actor == "user-9")
      // The other member of the person holds it too (the same person-level write).
      try await eventually("the email member holds the bound id") {
        try await api.get(person.email).customerID == "C-42"
      }
      // Binding the value it already holds is a no-op: no new history entry, no CDH write.
      let again = try await api.contacts.bindCustomerId(
        bind, metadata: As.user(ContactsHarness.orgA))
      #expect(again.customerID == "C-42")
      #expect(try await env.history(person.line, field: "custom_id").count == 1)
      // Unbinding the other member clears the person.
      var unbind = Maac_Contacts_V1_UnbindCustomerIdRequest()
      unbind.contactID = person.email
      unbind.via = .ui
      let unbound = try await api.contacts.unbindCustomerId(
        unbind, metadata: As.user(ContactsHarness.orgA))
      #expect(!unbound.isBound)
      #expect(try await env.merged(person.line).fields.hasCustomID == false)
      try await eventually("the LINE member lost the id too") {
        try await !api.get(person.line).isBound
      }
      // No reappearance through merging: a later change of the person re-merges it...
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = person.line
      update.fields = .with { $0.city = "Taipei" }
      update.updateMask = .init(protoPaths: ["city"])
      _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      try await eventually("CDH merged the later change") {
        try await env.merged(person.email).fields.city == "Taipei"
      }
      // ...and neither member nor the profile holds the old id.
      #expect(try await env.merged(person.email).fields.hasCustomID == false)
      #expect(try await !api.get(person.line).isBound)
      #expect(try await !api.get(person.email).isBound)
      // C50: a later bind is legitimate and is published with custom_id and via.
      bind.contactID = person.email
      bind.customerID = "C-43"
      bind.via = .bindlink
      _ = try await api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      let published = try await api.firstEvent { envelope in
        guard envelope.eventType == "contact.updated",
          let update = try? Maac_Contacts_V1_ContactUpdated(unpackingAny: envelope.payload),
          update.contactID == person.email
        else { return false }
        return update.changes.contains { $0.attribute == "custom_id" && $0.newValue == "C-43" }
      }
      let change = try Maac_Contacts_V1_ContactUpdated(unpackingAny: published.payload).changes
        .first { $0.attribute == "custom_id" }
      #expect(change?.via == "bindlink")
      #expect(change?.hasPreviousValue == false)
    }
  }

  @Test(
    "C69: interactive unify-key writes and contact-level clears go to CDH first and apply CDH's merged values (origin cdh); other writes stay local; with CDH down they answer UNAVAILABLE CDH_UNAVAILABLE and change nothing"
  )
  func whichWritesGoThroughCDH() async throws {
    try await CDHBeside.run { env in
      let api = env.api
      let contact = try await api.createLine(7)
      try await eventually("CDH knows the contact") {
        try await env.members(of: contact.id) == [contact.id]
      }
      // A unify key (display_mobile, national input) and a local field in one update.
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.defaultCountry = "TW"
      update.fields = .with {
        $0.displayMobile = "0912000111"
        $0.displayName = "Amy"
      }
      update.updateMask = .init(protoPaths: ["display_mobile", "display_name"])
      let updated = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(updated.displayMobile == "+886912000111")
      #expect(updated.displayName == "Amy")
      // CDH holds the key already when the call returns (it went there first).
      #expect(try await env.merged(contact.id).fields.displayMobile == "+886912000111")
      #expect(try await env.history(contact.id, field: "display_mobile").first?.origin == .cdh)
      #expect(try await env.history(contact.id, field: "display_name").first?.origin == .user)
      // Clearing a contact-level field acts on the person: through CDH.
      try await eventually("CDH merged the local display name") {
        try await env.merged(contact.id).fields.displayName == "Amy"
      }
      update.fields = .init()
      update.updateMask = .init(protoPaths: ["display_name"])
      let cleared = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(cleared.hasDisplayName == false)
      #expect(try await env.merged(contact.id).fields.hasDisplayName == false)
      #expect(try await env.history(contact.id, field: "display_name").first?.origin == .cdh)
      // CDH goes down: person-level writes change nothing; local ones still work.
      await env.cdh.stop()
      var bind = Maac_Contacts_V1_BindCustomerIdRequest()
      bind.contactID = contact.id
      bind.customerID = "C-9"
      bind.via = .api
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await api.contacts.bindCustomerId(bind, metadata: As.user(ContactsHarness.orgA))
      }
      update.fields = .with {
        $0.displayMobile = "0912000222"
        $0.city = "Tainan"
      }
      update.updateMask = .init(protoPaths: ["city", "display_mobile"])
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      }
      let unchanged = try await api.get(contact.id)
      #expect(!unchanged.isBound)
      #expect(unchanged.displayMobile == "+886912000111")
      #expect(unchanged.city.isEmpty)  // the whole request failed: no half-applied update
      update.fields = .with { $0.city = "Tainan" }
      update.updateMask = .init(protoPaths: ["city"])
      let local = try await api.contacts.updateContact(
        update, metadata: As.user(ContactsHarness.orgA))
      #expect(local.city == "Tainan")
    }
  }

  @Test(
    "C69 (§4.4): ListChannelEntities and GetEmailRecipients(member) find the person's other contacts through CDH's ListUnifiedMembers; without CDH they answer UNAVAILABLE CDH_UNAVAILABLE"
  )
  func personLookupsThroughCDH() async throws {
    try await CDHBeside.run { env in
      let api = env.api
      let person = try await env.person()
      let alone = try await api.createLine(9)
      var entities = Maac_Contacts_V1_ListChannelEntitiesRequest()
      entities.memberID = person.line
      entities.channelType = .email
      let emails = try await api.internals.listChannelEntities(
        entities, metadata: As.service(ContactsHarness.orgA))
      #expect(emails.entities.map(\.id) == [person.email])
      #expect(emails.entities.first?.externalID == "amy@example.com")
      #expect(emails.entities.first?.reachable == true)
      entities.channelID = ContactsHarness.email + 1000  // no such channel of the person
      #expect(
        try await api.internals.listChannelEntities(
          entities, metadata: As.service(ContactsHarness.orgA)
        ).entities.isEmpty)
      var recipients = Maac_Contacts_V1_GetEmailRecipientsRequest()
      recipients.memberID = person.line
      let found = try await api.internals.getEmailRecipients(
        recipients, metadata: As.service(ContactsHarness.orgA))
      #expect(found.recipients.map(\.channelEntityID) == [person.email])
      #expect(found.recipients.map(\.memberID) == [person.line])
      #expect(found.recipients.first?.messagingStatus == .subscribed)
      // A contact CDH has not unified with anyone is a person of its own.
      entities.memberID = alone.id
      entities.channelType = .line
      entities.channelID = 0
      #expect(
        try await api.internals.listChannelEntities(
          entities, metadata: As.service(ContactsHarness.orgA)
        ).entities.map(\.id) == [alone.id])
      await env.cdh.stop()
      await expectRPCError(.unavailable, reason: "CDH_UNAVAILABLE") {
        _ = try await api.internals.getEmailRecipients(
          recipients, metadata: As.service(ContactsHarness.orgA))
      }
    }
  }
}

/// The real CDH client, except that once armed its next `unifiedMembers` answers the contact
/// alone: the person as it looked before CDH unified it, i.e. membership that changed between
/// contacts' question and CDH's `UpdateProfile` answer.
final class StaleMembersOnce: Sendable {
  private let armed = Mutex(false)

  func arm() { armed.withLock { $0 = true } }

  func wrapping(_ cdh: CdhProfileClient) -> any ProfileAuthority { Wrapped(cdh: cdh, owner: self) }

  fileprivate func takeArmed() -> Bool {
    armed.withLock { value in
      defer { value = false }
      return value
    }
  }

  private struct Wrapped: ProfileAuthority {
    let cdh: CdhProfileClient
    let owner: StaleMembersOnce

    func updateProfile(contactID: Int64, organizationID: Int64, writes: [ProfileFieldWrite])
      async throws -> MergedProfileValues
    {
      try await cdh.updateProfile(
        contactID: contactID, organizationID: organizationID, writes: writes)
    }

    func unifiedMembers(of contactID: Int64, organizationID: Int64) async throws -> [Int64] {
      if owner.takeArmed() { return [contactID] }
      return try await cdh.unifiedMembers(of: contactID, organizationID: organizationID)
    }
  }
}
