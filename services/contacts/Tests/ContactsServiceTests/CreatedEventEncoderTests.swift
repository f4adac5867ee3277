import ContactsDomain
import Foundation
import MAACContracts
import SwiftProtobuf
import Testing

@testable import ContactsService

/// The import's `contact.created` payloads (C68) are built by ``CreatedEventEncoder`` from
/// pre-serialized parts; they must be the bytes of the message the other writes build.
@Suite("contact.created payloads of imports")
struct CreatedEventEncoderTests {
  static let time = Date(timeIntervalSince1970: 1_790_000_000.123456)

  /// The reference: the whole `ContactCreated` built by ``ContactEvents/event`` and serialized.
  static func reference(_ contact: Contact, cause: ChangeCause) throws -> Data {
    try ContactEvents.event(
      before: nil, after: contact, changes: AttributeChange.between(nil, contact), cause: cause,
      eventID: 0, at: time, requestID: ""
    ).payload.serializedData()
  }

  static func contacts() -> [Contact] {
    let created = Date(timeIntervalSince1970: 1_780_000_000.5)
    var all: [Contact] = []
    for (index, type) in ChannelType.allCases.enumerated() {
      // Only the identity: the fewest changes a created contact has.
      all.append(
        Contact(
          id: Int64(index + 1), organizationID: 7, channelType: type, channelID: nil,
          externalID: "x\(index)", acquisitionSource: .import, createdAt: created))
      // Every attribute set, with non-ASCII values and a value longer than 127 bytes (a
      // two-byte length prefix).
      var full = Contact(
        id: Int64(1_000 + index), organizationID: 7, channelType: type, channelID: 11,
        externalID: "ext-\(index)", externalIDRaw: "EXT-\(index)", acquisitionSource: .api,
        createdAt: created)
      full.displayName = "王小明 \(index)"
      full.fullName = "Wang Xiao Ming"
      full.displayMobile = "+886912345678"
      full.displayEmail = "someone@example.com"
      full.gender = GenderValues(manual: .female, channel: .male, predicted: .others)
      full.birthday = CalendarDate(year: 1990, month: 2, day: 28)
      full.region = .tw
      full.city = "台北"
      full.address = String(repeating: "長い住所 ", count: 20)
      full.company = "MAAC"
      full.accountManager = "am"
      full.memberLevel = "gold"
      full.starMark = true
      full.customerID = "C-\(index)"
      full.connectID = "connect"
      full.customFields = ["tier": "a", "zeta": "", "emoji": "🙂"]
      full.note = "note"
      full.originalName = "orig"
      full.avatarURL = "https://example.com/a.png"
      full.originalMobile = "0912345678"
      full.originalEmail = "Someone@Example.com"
      full.nameSyncState = .syncing
      full.lineFollowStatus = .following
      full.lineFollowStatusChangedAt = created
      full.emailStatus = .suppressed
      full.suppressionReason = .softBounce
      full.emailStatusChangedAt = created
      full.softBounceStreak = 3
      full.consentSource = "form"
      full.consentAt = created
      full.whatsappStatus = .optedIn
      full.whatsappStatusChangedAt = created
      full.phoneStatus = .valid
      full.fbGender = "female"
      full.fbLastMessageAt = created
      full.fbTimezone = "8"
      full.fbLocale = "zh_TW"
      full.igName = "ig"
      full.igIsVerifiedUser = true
      full.engagementLevel = .lv4
      full.lastInteractionAt = created
      full.version = 3
      all.append(full)
    }
    return all
  }

  @Test(
    "C68: for every channel type and cause, an import's created payload is byte for byte the serialized ContactCreated of the same contact",
    arguments: [
      ChangeCause(origin: .import, actor: "user-1", correlationID: "42"),
      ChangeCause(origin: .api, actor: "", correlationID: "", via: "liff"),
      ChangeCause(origin: .user, actor: "u", correlationID: "r", via: ""),
    ])
  func sameBytes(cause: ChangeCause) throws {
    let encoder = try CreatedEventEncoder(cause: cause, at: Self.time)
    for contact in Self.contacts() {
      let fast = try encoder.payload(for: contact)
      let expected = try Self.reference(contact, cause: cause)
      #expect(fast == expected, "contact \(contact.id) (\(contact.channelType))")
      let decoded = try Maac_Contacts_V1_ContactCreated(serializedBytes: fast)
      #expect(decoded.changes.count == AttributeChange.between(nil, contact).count)
      #expect(decoded.contactID == contact.id)
    }
  }

  @Test("C68: stamping an encoded payload sets its event id and changes nothing else")
  func stamping() throws {
    let cause = ChangeCause(origin: .import, actor: "user-1", correlationID: "42")
    let contact = Self.contacts()[1]
    let stamped = try ContactEvents.stamped(
      try CreatedEventEncoder(cause: cause, at: Self.time).payload(for: contact), eventID: 991)
    var expected = try Maac_Contacts_V1_ContactCreated(
      serializedBytes: try Self.reference(contact, cause: cause))
    expected.cause.eventID = 991
    #expect(try Maac_Contacts_V1_ContactCreated(serializedBytes: stamped) == expected)
  }
}
