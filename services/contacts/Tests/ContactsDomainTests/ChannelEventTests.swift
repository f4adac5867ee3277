import ContactsDomain
import Foundation
import Testing

@Suite("Channel events and interactions")
struct ChannelEventTests {
  let uid = Fixture.uid(1)

  func event(
    _ kind: ChannelEvent.Kind, at offset: TimeInterval = 0, type: ChannelType = .line,
    user: String? = nil,
    destination: String = "Ubot", profile: ChannelProfile? = nil
  ) -> ChannelEvent {
    ChannelEvent(
      channelType: type, channelID: 11, externalUserID: user ?? uid, destination: destination,
      kind: kind,
      occurredAt: Fixture.now.addingTimeInterval(offset), providerEventID: "ev-\(kind)-\(offset)",
      profile: profile)
  }

  func apply(_ event: ChannelEvent, to contact: Contact?) throws -> ChannelEventOutcome {
    let key = try ChannelEventRules.validate(event)
    return try ChannelEventRules.apply(
      event, externalID: key, to: contact, organizationID: Fixture.org, now: Fixture.now)
  }

  @Test(
    "C51, C52: follow → following, unfollow → blocked, message/postback repair a missed follow; unknown contacts are created"
  )
  func lineTransitions() throws {
    let followed = try apply(event(.lineFollow), to: nil)
    #expect(followed.created)
    #expect(followed.contact.lineFollowStatus == .following)
    #expect(followed.contact.acquisitionSource == .lineFollow)
    let blocked = try apply(event(.lineUnfollow, at: 10), to: followed.contact)
    #expect(blocked.contact.lineFollowStatus == .blocked)
    #expect(blocked.contact.lineFollowStatusChangedAt == Fixture.now.addingTimeInterval(10))
    let repaired = try apply(event(.lineMessage, at: 20), to: blocked.contact)
    #expect(repaired.contact.lineFollowStatus == .following)
    let postback = try apply(event(.linePostback, at: 30), to: blocked.contact)
    #expect(postback.contact.lineFollowStatus == .following)
    let createdBlocked = try apply(event(.lineUnfollow), to: nil)
    #expect(createdBlocked.created)
    #expect(createdBlocked.contact.lineFollowStatus == .blocked)
  }

  @Test("C52: authorization gives auth only to unknown or new contacts")
  func authorization() throws {
    let new = try apply(event(.lineAuthorization), to: nil)
    #expect(new.contact.lineFollowStatus == .auth)
    #expect(new.contact.acquisitionSource == .lineAuthorization)
    var blocked = Fixture.contact(.line, id: 1, key: uid)
    blocked.lineFollowStatus = .blocked
    #expect(
      try apply(event(.lineAuthorization, at: 5), to: blocked).contact.lineFollowStatus == .blocked)
    let unknown = Fixture.contact(.line, id: 2, key: uid)
    #expect(
      try apply(event(.lineAuthorization, at: 5), to: unknown).contact.lineFollowStatus == .auth)
    #expect(LineStatusRules.status(after: .authorization, current: .following) == .following)
  }

  @Test("C51: the follow status is only set by channel events — not by the API")
  func statusOnlyFromEvents() {
    let error = Fixture.domainError {
      _ = try ContactEditor.apply(
        .init(), mask: ["line_follow_status"], to: Fixture.contact(.line, id: 1), context: .init())
    }
    #expect(error?.reason == .readOnlyField)
  }

  @Test(
    "C54: empty source.userId → MISSING_SOURCE_USER_ID; equal to destination → EXTERNAL_ID_IS_DESTINATION"
  )
  func sourceUserID() {
    let empty = Fixture.domainError {
      _ = try ChannelEventRules.validate(event(.lineFollow, user: " "))
    }
    #expect(empty?.reason == .missingSourceUserID)
    #expect(empty?.field == "external_user_id")
    let bot = Fixture.domainError {
      _ = try ChannelEventRules.validate(event(.lineFollow, destination: uid))
    }
    #expect(bot?.reason == .externalIDIsDestination)
    let wrongKind = Fixture.domainError {
      _ = try ChannelEventRules.validate(event(.whatsappOptIn))
    }
    #expect(wrongKind?.reason == .unknownEventKind)
    let badUID = Fixture.domainError {
      _ = try ChannelEventRules.validate(event(.lineFollow, user: "fake-1"))
    }
    #expect(badUID?.reason == .invalidLineUID)
  }

  @Test(
    "C55: applying the same event twice changes nothing the second time; an older status event is not replayed"
  )
  func idempotent() throws {
    let once = try apply(event(.lineFollow, profile: .init(name: "Amy")), to: nil)
    let twice = try apply(event(.lineFollow, profile: .init(name: "Amy")), to: once.contact)
    #expect(!twice.stateChanged)
    #expect(twice.contact == once.contact)
    let blocked = try apply(event(.lineUnfollow, at: 100), to: once.contact)
    let stale = try apply(event(.lineMessage, at: 50), to: blocked.contact)
    #expect(stale.contact.lineFollowStatus == .blocked)
  }

  @Test(
    "C56: a new LINE contact carries its name when the profile came with it, else it is syncing")
  func newLineContactName() throws {
    let named = try apply(
      event(.lineFollow, profile: .init(name: "Amy", avatarURL: "https://x/a.jpg")), to: nil)
    #expect(named.contact.originalName == "Amy")
    #expect(named.contact.nameSyncState == .synced)
    #expect(named.contact.resolvedName == ResolvedName(name: "Amy", source: .originalName))
    let unnamed = try apply(event(.lineFollow), to: nil)
    #expect(unnamed.contact.nameSyncState == .syncing)
    #expect(
      unnamed.contact.resolvedName
        == ResolvedName(name: "Synchronizing", source: .placeholderSyncing))
  }

  @Test(
    "C46, C61: channel profile sets original values; display phone/email only when the contact is created"
  )
  func profileProvenance() throws {
    let created = try apply(
      event(
        .lineFollow, profile: .init(name: "Amy", phone: "+886912345678", email: "amy@example.com")),
      to: nil)
    #expect(created.contact.originalMobile == "+886912345678")
    #expect(created.contact.displayMobile == "+886912345678")
    #expect(created.contact.displayEmail == "amy@example.com")
    var existing = created.contact
    existing.displayMobile = "+886900000001"
    let updated = try apply(
      event(.profileChanged, at: 5, profile: .init(name: "Amy L", phone: "+886922222222")),
      to: existing)
    #expect(updated.contact.originalMobile == "+886922222222")
    #expect(updated.contact.displayMobile == "+886900000001")
    #expect(updated.contact.originalName == "Amy L")
    #expect(updated.contact.displayName == nil)
  }

  @Test("C11: a Facebook gender is the channel gender and never replaces a manual one")
  func facebookGender() throws {
    var contact = Fixture.contact(.facebook, id: 1, key: "12345")
    contact.gender.manual = .male
    let outcome = try apply(
      event(
        .metaMessage, type: .facebook, user: "12345",
        profile: .init(gender: "female", locale: "zh_TW")),
      to: contact)
    #expect(outcome.contact.gender.channel == .female)
    #expect(outcome.contact.gender.resolved.gender == .male)
    #expect(outcome.contact.fbLocale == "zh_TW")
  }

  @Test("C44, C42: WhatsApp opt-in/opt-out events; SMS delivery results never create contacts")
  func otherChannels() throws {
    let opted = try apply(event(.whatsappOptIn, type: .whatsapp, user: "+886912345678"), to: nil)
    #expect(opted.contact.whatsappStatus == .optedIn)
    #expect(opted.contact.displayMobile == "+886912345678")
    let out = try apply(
      event(.whatsappOptOut, at: 1, type: .whatsapp, user: "+886912345678"), to: opted.contact)
    #expect(out.contact.whatsappStatus == .optedOut)
    let missing = Fixture.domainError {
      _ = try apply(event(.smsInvalidNumber, type: .sms, user: "+886912345678"), to: nil)
    }
    #expect(missing?.kind == .notFound)
    let sms = Fixture.contact(.sms, id: 3, key: "+886912345678")
    #expect(
      try apply(event(.smsInvalidNumber, type: .sms, user: "+886912345678"), to: sms).contact
        .phoneStatus == .invalid)
  }

  @Test(
    "C57: only inbound messages and triggered auto-replies move last interaction; message events record it"
  )
  func whatCounts() throws {
    for kind in InteractionKind.allCases {
      let result = try InteractionRules.apply(
        kind, occurredAt: Fixture.now, to: nil, now: Fixture.now)
      #expect(result.counted == kind.counts)
      #expect((result.lastInteractionAt != nil) == kind.counts)
    }
    #expect(InteractionKind.inboundMessage.counts && InteractionKind.autoReplyTriggered.counts)
    #expect(!InteractionKind.prizeRedemption.counts && !InteractionKind.linkClick.counts)
    let messaged = try apply(event(.lineMessage, at: -60), to: nil)
    #expect(messaged.contact.lastInteractionAt == Fixture.now.addingTimeInterval(-60))
    let followed = try apply(event(.lineFollow), to: nil)
    #expect(followed.contact.lastInteractionAt == nil)
  }

  @Test(
    "C58: last interaction never goes back; more than 5 minutes in the future is OCCURRED_AT_IN_FUTURE"
  )
  func neverBack() throws {
    let latest = Fixture.now
    let older = try InteractionRules.apply(
      .inboundMessage, occurredAt: latest.addingTimeInterval(-3600), to: latest, now: Fixture.now)
    #expect(older.lastInteractionAt == latest)
    #expect(!older.counted)
    let newer = try InteractionRules.apply(
      .inboundMessage, occurredAt: latest.addingTimeInterval(60), to: latest, now: Fixture.now)
    #expect(newer.lastInteractionAt == latest.addingTimeInterval(60))
    #expect(
      (try? InteractionRules.apply(
        .inboundMessage, occurredAt: Fixture.now.addingTimeInterval(299), to: nil, now: Fixture.now))
        != nil)
    let future = Fixture.domainError {
      _ = try InteractionRules.apply(
        .inboundMessage, occurredAt: Fixture.now.addingTimeInterval(301), to: nil, now: Fixture.now)
    }
    #expect(future?.reason == .occurredAtInFuture)
    #expect(future?.field == "occurred_at")
    var contact = Fixture.contact(.line, id: 1, key: uid)
    contact.lastInteractionAt = latest
    #expect(
      try apply(event(.lineMessage, at: -100), to: contact).contact.lastInteractionAt == latest)
  }

  @Test(
    "C59: join time is creation time and never changes, also not when a blocked user follows again")
  func joinTime() throws {
    var contact = Fixture.contact(
      .line, id: 1, key: uid, createdAt: Fixture.now.addingTimeInterval(-86_400))
    contact.lineFollowStatus = .blocked
    let refollowed = try apply(event(.lineFollow, at: 10), to: contact)
    #expect(refollowed.contact.createdAt == contact.createdAt)
    #expect(refollowed.contact.lineFollowStatus == .following)
    #expect(
      Fixture.domainError {
        _ = try ContactEditor.apply(.init(), mask: ["created_at"], to: contact, context: .init())
      }?
      .reason == .readOnlyField)
  }
}
