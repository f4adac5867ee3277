import ContactsDomain
import Foundation
import Testing

@Suite("Identity and contact types")
struct IdentityTests {
  @Test(
    "C1: every contact has exactly one channel type; the primary key of sms/whatsapp/email doubles as display value"
  )
  func oneChannelEntity() {
    for type in ChannelType.allCases {
      let contact = Fixture.contact(type, id: 1)
      #expect(contact.channelType == type)
    }
    #expect(Fixture.contact(.sms, id: 1).displayMobile == Fixture.contact(.sms, id: 1).externalID)
    #expect(Fixture.contact(.email, id: 1).displayEmail == "user1@example.com")
    #expect(Fixture.contact(.line, id: 1).displayMobile == nil)
    #expect(ChannelType.sms.requiresChannel == false)
    #expect(ChannelType.line.requiresChannel)
  }

  @Test("C2: UpdateContact naming the primary key is IMMUTABLE_FIELD and names the field")
  func primaryKeyImmutableOnUpdate() {
    let line = Fixture.contact(.line, id: 1)
    for path in ["line_uid", "external_id", "external_member_id", "channel_id"] {
      let error = Fixture.domainError {
        _ = try ContactEditor.apply(.init(), mask: [path], to: line, context: .init())
      }
      #expect(error?.reason == .immutableField)
      #expect(error?.field == path)
    }
    let email = Fixture.contact(.email, id: 2)
    let error = Fixture.domainError {
      _ = try ContactEditor.apply(
        .init(displayEmail: "other@example.com"), mask: ["display_email"], to: email,
        context: .init())
    }
    #expect(error?.reason == .immutableField)
    #expect(error?.field == "display_email")
  }

  @Test(
    "C3: identities compare normalised — email lower-cased, phones in E.164; sms unique per organization"
  )
  func identityNormalisation() throws {
    #expect(
      try ContactIdentity.normalizePrimaryKey("Amy@Example.COM", type: .email, field: "e")
        == "amy@example.com")
    #expect(
      try ContactIdentity.normalizePrimaryKey(
        "0912-345-678", type: .sms, field: "p", defaultCountry: "TW")
        == ContactIdentity.normalizePrimaryKey("+886 912 345 678", type: .sms, field: "p"))
    #expect(ContactIdentity.uniquenessChannel(type: .sms, channelID: 99) == 0)
    #expect(ContactIdentity.uniquenessChannel(type: .line, channelID: 11) == 11)
  }

  @Test(
    "C6: a LINE UID is U + 32 lower-case hex; fake- ids and upper-case hex are INVALID_LINE_UID")
  func lineUIDSyntax() {
    #expect(LineUID.isValid("U0000000000000000000000000000a001"))
    #expect(LineUID.isValid(Fixture.uid(255)))
    for bad in [
      "fake-123", "U0000000000000000000000000000A001", "u0000000000000000000000000000a001",
      "U000000000000000000000000000a001", "U0000000000000000000000000000a0011", "",
    ] {
      #expect(!LineUID.isValid(bad), "\(bad)")
      let violation = Fixture.violation { _ = try LineUID.parse(bad, field: "line_uid") }
      #expect(violation?.reason == .invalidLineUID)
      #expect(violation?.field == "line_uid")
    }
  }

  @Test("C6: Facebook and Instagram ids are digits; anything else is INVALID_EXTERNAL_ID")
  func metaIDs() throws {
    #expect(
      try ContactIdentity.normalizePrimaryKey(" 12345 ", type: .facebook, field: "x") == "12345")
    let violation = Fixture.violation {
      _ = try ContactIdentity.normalizePrimaryKey("12a", type: .instagram, field: "x")
    }
    #expect(violation?.reason == .invalidExternalID)
  }

  @Test("C1: CreateContact builds a contact of the requested type with acquisition source api")
  func createContact() throws {
    let new = NewContact(
      channelType: .line, channelID: 11, externalID: Fixture.uid(5),
      fields: .init(displayName: " Amy "))
    let contact = try new.makeContact(organizationID: Fixture.org, context: .init(now: Fixture.now))
    #expect(contact.channelType == .line)
    #expect(contact.displayName == "Amy")
    #expect(contact.acquisitionSource == .api)
    #expect(contact.createdAt == Fixture.now)
  }

  @Test(
    "C1: CreateContact needs a channel type, a channel for non-sms types, and a status for email/WhatsApp"
  )
  func createContactRequirements() {
    let context = EditContext(now: Fixture.now)
    #expect(
      Fixture.domainError {
        _ = try NewContact(channelType: nil, channelID: 1, externalID: "x").makeContact(
          organizationID: 1, context: context)
      }?.field == "channel_type")
    #expect(
      Fixture.domainError {
        _ = try NewContact(channelType: .line, channelID: nil, externalID: Fixture.uid(1))
          .makeContact(
            organizationID: 1, context: context)
      }?.field == "channel_id")
    let email = Fixture.domainError {
      _ = try NewContact(channelType: .email, channelID: 21, externalID: "a@b.co").makeContact(
        organizationID: 1, context: context)
    }
    #expect(email?.reason == .invalidEmailStatus)
    #expect(email?.field == "fields.email_status")
    let whatsapp = Fixture.domainError {
      _ = try NewContact(channelType: .whatsapp, channelID: 31, externalID: "+886912345678")
        .makeContact(
          organizationID: 1, context: context)
    }
    #expect(whatsapp?.reason == .invalidWhatsAppStatus)
    let sms = try? NewContact(
      channelType: .sms, channelID: nil, externalID: "0912345678", defaultCountry: "TW"
    )
    .makeContact(organizationID: 1, context: context)
    #expect(sms?.externalID == "+886912345678")
    let badField = Fixture.domainError {
      _ = try NewContact(
        channelType: .line, channelID: 11, externalID: Fixture.uid(1),
        fields: .init(note: String(repeating: "x", count: 2049))
      ).makeContact(organizationID: 1, context: context)
    }
    #expect(badField?.field == "fields.note")
    #expect(badField?.reason == .noteTooLong)
  }
}
