import ContactsDomain
import Foundation
import Testing

@Suite("Statuses and reachability")
struct StatusTests {
  @Test("C36: stored email statuses and their display groups; only subscribed is reachable")
  func emailStatusModel() {
    #expect(EmailStatus.subscribed.displayStatus == .subscribed)
    #expect(EmailStatus.unsubscribed.displayStatus == .unsubscribed)
    for status in [EmailStatus.hardBounce, .spamReport, .suppressed] {
      #expect(status.displayStatus == .suppressed)
    }
    var contact = Fixture.contact(.email, id: 1)
    for status in EmailStatus.allCases {
      contact.emailStatus = status
      #expect(contact.reachable == (status == .subscribed))
    }
    #expect(!EmailStatus.importable.contains(.suppressed))
  }

  @Test("C37: the irreversibility table — only subscribed moves; non-subscribed statuses are final")
  func irreversibilityTable() {
    for requested in EmailStatus.allCases {
      #expect(EmailStatusRules.transition(from: nil, to: requested) == .set)
    }
    #expect(EmailStatusRules.transition(from: .subscribed, to: .subscribed) == .noChange)
    for requested in [EmailStatus.unsubscribed, .hardBounce, .spamReport, .suppressed] {
      #expect(EmailStatusRules.transition(from: .subscribed, to: requested) == .set)
    }
    for current in [EmailStatus.unsubscribed, .hardBounce, .spamReport, .suppressed] {
      for requested in EmailStatus.allCases {
        #expect(
          EmailStatusRules.transition(from: current, to: requested)
            == (current == requested ? .noChange : .ignored))
      }
    }
  }

  @Test(
    "C37: UpdateContact asking for subscribed on a non-subscribed contact is FAILED_PRECONDITION EMAIL_STATUS_IRREVERSIBLE"
  )
  func apiCannotResubscribe() throws {
    var contact = Fixture.contact(.email, id: 1)
    contact.emailStatus = .hardBounce
    let error = Fixture.domainError {
      _ = try ContactEditor.apply(
        .init(emailStatus: "subscribed"), mask: ["email_status"], to: contact, context: .init())
    }
    #expect(error?.kind == .failedPrecondition)
    #expect(error?.reason == .emailStatusIrreversible)
    #expect(error?.field == "email_status")
    contact.emailStatus = .subscribed
    let edited = try ContactEditor.apply(
      .init(emailStatus: "unsubscribed"), mask: ["email_status"], to: contact,
      context: .init(now: Fixture.now))
    #expect(edited.contact.emailStatus == .unsubscribed)
    #expect(edited.contact.emailStatusChangedAt == Fixture.now)
    let line = Fixture.contact(.line, id: 2)
    #expect(
      Fixture.domainError {
        _ = try ContactEditor.apply(
          .init(emailStatus: "subscribed"), mask: ["email_status"], to: line, context: .init())
      }?.reason == .fieldNotApplicable)
  }

  @Test(
    "C38: delivery outcomes — unsubscribe, hard bounce, spam report, 3 soft bounces, invalid domain; delivery resets"
  )
  func deliveryOutcomes() {
    func after(
      _ outcomes: [EmailStatusRules.DeliveryOutcome], from status: EmailStatus = .subscribed
    ) -> Contact {
      var contact = Fixture.contact(.email, id: 1)
      contact.emailStatus = status
      for outcome in outcomes { contact.applyEmailOutcome(outcome, at: Fixture.now) }
      return contact
    }
    #expect(after([.unsubscribed]).emailStatus == .unsubscribed)
    #expect(after([.hardBounce]).emailStatus == .hardBounce)
    #expect(after([.spamReport]).emailStatus == .spamReport)
    #expect(after([.softBounce, .softBounce]).emailStatus == .subscribed)
    let three = after([.softBounce, .softBounce, .softBounce])
    #expect(three.emailStatus == .suppressed)
    #expect(three.suppressionReason == .softBounce)
    #expect(after([.softBounce, .softBounce, .delivered, .softBounce]).emailStatus == .subscribed)
    let dropped = after([.suppressed])
    #expect(dropped.suppressionReason == .invalidDomain)
    // C37 applies: the first suppression reason wins; nothing re-subscribes.
    let first = after([.hardBounce, .spamReport, .unsubscribed])
    #expect(first.emailStatus == .hardBounce)
    var contact = Fixture.contact(.email, id: 1)
    contact.emailStatus = .unsubscribed
    #expect(contact.applyEmailOutcome(.hardBounce, at: Fixture.now) == false)
  }

  @Test(
    "C42, C43, C44: WhatsApp statuses unrestricted via API; number not editable; not opted in needs risk acceptance"
  )
  func whatsapp() throws {
    var contact = Fixture.contact(.whatsapp, id: 1, key: "+886912345678")
    contact.whatsappStatus = .optedOut
    #expect(!contact.reachable)
    #expect(contact.requiresRiskAcceptance)
    let edit = try ContactEditor.apply(
      .init(whatsappStatus: "opted_in"), mask: ["whatsapp_status"], to: contact, context: .init())
    #expect(edit.contact.whatsappStatus == .optedIn)
    #expect(edit.contact.reachable)
    #expect(!edit.contact.requiresRiskAcceptance)
    contact.whatsappStatus = .notSubscribed
    #expect(contact.requiresRiskAcceptance)
    let error = Fixture.domainError {
      _ = try ContactEditor.apply(
        .init(displayMobile: "+886900000000"), mask: ["display_mobile"], to: contact,
        context: .init())
    }
    #expect(error?.reason == .immutableField)
    #expect(Fixture.contact(.line, id: 2).requiresRiskAcceptance == false)
  }

  @Test(
    "C53: reachability per type — LINE only when following; sms unless invalid; Facebook/Instagram yes"
  )
  func reachability() {
    var line = Fixture.contact(.line, id: 1)
    #expect(!line.reachable)
    for status in LineFollowStatus.allCases {
      line.lineFollowStatus = status
      #expect(line.reachable == (status == .following))
    }
    var sms = Fixture.contact(.sms, id: 2)
    #expect(sms.reachable)
    sms.phoneStatus = .valid
    #expect(sms.reachable)
    sms.phoneStatus = .invalid
    #expect(!sms.reachable)
    #expect(Fixture.contact(.facebook, id: 3).reachable)
    #expect(Fixture.contact(.instagram, id: 4).reachable)
  }

  @Test("C71, C53: counts of one snapshot add up; blocked_including_auth = auth + blocked")
  func counts() {
    let stats = ContactStats(
      asOf: Fixture.now,
      groups: [
        .init(channelType: .line, status: "following", bound: false, count: 10),
        .init(channelType: .line, status: "auth", bound: true, count: 3),
        .init(channelType: .line, status: "blocked", bound: false, count: 4),
        .init(channelType: .line, status: nil, bound: false, count: 2),
        .init(channelType: .email, status: "subscribed", bound: false, count: 5),
        .init(channelType: .email, status: "hard_bounce", bound: false, count: 1),
        .init(channelType: .email, status: "suppressed", bound: false, count: 1),
        .init(channelType: .whatsapp, status: "opted_out", bound: true, count: 2),
        .init(channelType: .sms, status: nil, bound: false, count: 6),
      ])
    #expect(stats.total == 34)
    #expect(stats.byChannelType.values.reduce(0, +) == stats.total)
    #expect(
      stats.lineFollowing + stats.lineAuth + stats.lineBlocked + stats.lineUnknown
        == stats.byChannelType[.line])
    #expect(stats.lineBlockedIncludingAuth == 7)
    #expect(stats.emailSuppressed == 2)
    #expect(
      stats.emailSubscribed + stats.emailUnsubscribed + stats.emailSuppressed
        == stats.byChannelType[.email])
    #expect(stats.whatsappOptedOut == 2)
    #expect(stats.bound == 5)
  }
}
