import Foundation

/// Profile data a channel gave with an event (C46, C61).
public struct ChannelProfile: Hashable, Sendable {
  public var name: String?
  public var avatarURL: String?
  public var phone: String?
  public var email: String?
  /// Facebook-provided gender text (e.g. "female").
  public var gender: String?
  public var timezone: String?
  public var locale: String?
  public var igName: String?
  public var isVerifiedUser: Bool?

  public init(
    name: String? = nil, avatarURL: String? = nil, phone: String? = nil, email: String? = nil,
    gender: String? = nil, timezone: String? = nil, locale: String? = nil, igName: String? = nil,
    isVerifiedUser: Bool? = nil
  ) {
    self.name = name
    self.avatarURL = avatarURL
    self.phone = phone
    self.email = email
    self.gender = gender
    self.timezone = timezone
    self.locale = locale
    self.igName = igName
    self.isVerifiedUser = isVerifiedUser
  }
}

/// One event from a channel adapter (C51–C56).
public struct ChannelEvent: Hashable, Sendable {
  public enum Kind: String, CaseIterable, Hashable, Sendable {
    case lineFollow = "line_follow"
    case lineUnfollow = "line_unfollow"
    case lineMessage = "line_message"
    case linePostback = "line_postback"
    case lineAuthorization = "line_authorization"
    case metaMessage = "meta_message"
    case whatsappOptIn = "whatsapp_opt_in"
    case whatsappOptOut = "whatsapp_opt_out"
    case smsDelivered = "sms_delivered"
    case smsInvalidNumber = "sms_invalid_number"
    case profileChanged = "profile_changed"

    /// The channel types this kind may arrive for.
    public var channelTypes: Set<ChannelType> {
      switch self {
      case .lineFollow, .lineUnfollow, .lineMessage, .linePostback, .lineAuthorization: [.line]
      case .metaMessage: [.facebook, .instagram]
      case .whatsappOptIn, .whatsappOptOut: [.whatsapp]
      case .smsDelivered, .smsInvalidNumber: [.sms]
      case .profileChanged: [.line, .facebook, .instagram]
      }
    }

    /// Whether an event of this kind creates a contact it does not know. Delivery results of
    /// SMS numbers never do: they report on contacts that exist.
    public var createsContact: Bool { self != .smsDelivered && self != .smsInvalidNumber }

    /// The acquisition source of a contact this event creates, unless the adapter names one.
    var defaultAcquisitionSource: AcquisitionSource {
      switch self {
      case .lineFollow, .lineUnfollow: .lineFollow
      case .lineAuthorization: .lineAuthorization
      default: .channelMessage
      }
    }
  }

  public var channelType: ChannelType
  public var channelID: Int64?
  /// The user's id on the channel (LINE `source.userId`, C54).
  public var externalUserID: String
  /// The channel's own id (LINE `destination`).
  public var destination: String
  public var kind: Kind
  public var occurredAt: Date
  /// Dedupe key (C55).
  public var providerEventID: String
  public var profile: ChannelProfile?
  public var acquisitionSource: AcquisitionSource?

  public init(
    channelType: ChannelType, channelID: Int64?, externalUserID: String, destination: String = "",
    kind: Kind, occurredAt: Date, providerEventID: String, profile: ChannelProfile? = nil,
    acquisitionSource: AcquisitionSource? = nil
  ) {
    self.channelType = channelType
    self.channelID = channelID
    self.externalUserID = externalUserID
    self.destination = destination
    self.kind = kind
    self.occurredAt = occurredAt
    self.providerEventID = providerEventID
    self.profile = profile
    self.acquisitionSource = acquisitionSource
  }
}

/// What applying a channel event did.
public struct ChannelEventOutcome: Hashable, Sendable {
  public var contact: Contact
  public var created: Bool
  /// Whether anything of the contact changed.
  public var stateChanged: Bool
}

/// Validation and application of channel events (C51–C58, C61).
public enum ChannelEventRules {
  /// Checks the event (C54) and returns the normalised channel primary key.
  public static func validate(_ event: ChannelEvent) throws(DomainError) -> String {
    let userID = Text.normalize(event.externalUserID)
    guard !userID.isEmpty else {
      throw .invalid(
        .missingSourceUserID, field: "external_user_id", "external_user_id must not be empty")
    }
    if userID == Text.normalize(event.destination) {
      throw .invalid(
        .externalIDIsDestination, field: "external_user_id",
        "external_user_id equals destination: the bot's id was sent instead of the user's")
    }
    guard event.kind.channelTypes.contains(event.channelType) else {
      throw .invalid(
        .unknownEventKind, field: "kind",
        "kind \(event.kind.rawValue) is not valid for a \(event.channelType.rawValue) channel")
    }
    do {
      return try ContactIdentity.normalizePrimaryKey(
        userID, type: event.channelType, field: "external_user_id")
    } catch {
      throw error.asDomainError
    }
  }

  /// Applies `event` to `existing` (or creates the contact when `existing` is nil and the kind
  /// creates). Events are idempotent by construction: statuses are set, not toggled; times only
  /// move forward; a status change older than the stored one is not replayed over it.
  public static func apply(
    _ event: ChannelEvent, externalID: String, to existing: Contact?, organizationID: Int64,
    now: Date
  ) throws(DomainError) -> ChannelEventOutcome {
    var contact: Contact
    let created: Bool
    if let existing {
      contact = existing
      created = false
    } else {
      guard event.kind.createsContact else {
        throw DomainError(
          .notFound, .contactNotFound, field: "external_user_id", message: "Contact not found")
      }
      contact = Contact(
        organizationID: organizationID, channelType: event.channelType, channelID: event.channelID,
        externalID: externalID, externalIDRaw: Text.normalize(event.externalUserID),
        acquisitionSource: event.acquisitionSource ?? event.kind.defaultAcquisitionSource,
        createdAt: now)
      if event.channelType == .line { contact.nameSyncState = .syncing }
      created = true
    }
    let before = contact
    let time = event.occurredAt

    switch event.kind {
    case .lineFollow: setLine(.follow, on: &contact, at: time)
    case .lineUnfollow: setLine(.unfollow, on: &contact, at: time)
    case .lineMessage:
      setLine(.message, on: &contact, at: time)
      contact.lastInteractionAt = max(contact.lastInteractionAt ?? time, time)
    case .linePostback: setLine(.postback, on: &contact, at: time)
    case .lineAuthorization: setLine(.authorization, on: &contact, at: time)
    case .metaMessage:
      contact.lastInteractionAt = max(contact.lastInteractionAt ?? time, time)
      contact.fbLastMessageAt = max(contact.fbLastMessageAt ?? time, time)
    case .whatsappOptIn: setWhatsApp(.optedIn, on: &contact, at: time)
    case .whatsappOptOut: setWhatsApp(.optedOut, on: &contact, at: time)
    case .smsDelivered: contact.phoneStatus = .valid
    case .smsInvalidNumber: contact.phoneStatus = .invalid
    case .profileChanged: break
    }
    if let profile = event.profile { applyProfile(profile, to: &contact, creating: created) }
    let changed = created || contact != before
    if changed && !created { contact.updatedAt = now }
    return ChannelEventOutcome(contact: contact, created: created, stateChanged: changed)
  }

  /// C46, C61: the channel sets original values; display values only when the contact is new.
  public static func applyProfile(
    _ profile: ChannelProfile, to contact: inout Contact, creating: Bool
  ) {
    if let name = Text.normalizedOrNil(profile.name) {
      contact.originalName = name
      if contact.channelType == .line { contact.nameSyncState = .synced }
    }
    if let avatar = Text.normalizedOrNil(profile.avatarURL) { contact.avatarURL = avatar }
    if let phone = Text.normalizedOrNil(profile.phone) {
      let normalized =
        (try? PhoneNumber.parse(phone, defaultCountry: nil, field: "phone"))?.e164 ?? phone
      contact.originalMobile = normalized
      if creating && contact.displayMobile == nil,
        (try? PhoneNumber.parse(phone, defaultCountry: nil, field: "phone")) != nil
      {
        contact.displayMobile = normalized
      }
    }
    if let email = Text.normalizedOrNil(profile.email) {
      contact.originalEmail = email
      if creating && contact.displayEmail == nil,
        (try? EmailAddress.parse(email, field: "email")) != nil
      {
        contact.displayEmail = email
      }
    }
    if let gender = Text.normalizedOrNil(profile.gender) {
      contact.fbGender = gender
      // A channel gender is kept next to a manual one and never replaces it (C11).
      contact.gender.channel = try? Gender.parseAPI(gender)
    }
    if let timezone = Text.normalizedOrNil(profile.timezone) { contact.fbTimezone = timezone }
    if let locale = Text.normalizedOrNil(profile.locale) { contact.fbLocale = locale }
    if let igName = Text.normalizedOrNil(profile.igName) { contact.igName = igName }
    if let verified = profile.isVerifiedUser { contact.igIsVerifiedUser = verified }
  }

  private static func setLine(
    _ event: LineStatusRules.Event, on contact: inout Contact, at time: Date
  ) {
    if let changedAt = contact.lineFollowStatusChangedAt, time < changedAt { return }
    let next = LineStatusRules.status(after: event, current: contact.lineFollowStatus)
    if next != contact.lineFollowStatus {
      contact.lineFollowStatus = next
      contact.lineFollowStatusChangedAt = time
    }
  }

  private static func setWhatsApp(
    _ status: WhatsAppStatus, on contact: inout Contact, at time: Date
  ) {
    if let changedAt = contact.whatsappStatusChangedAt, time < changedAt { return }
    if contact.whatsappStatus != status {
      contact.whatsappStatus = status
      contact.whatsappStatusChangedAt = time
    }
  }
}
