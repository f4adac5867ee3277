import ContactsDomain
import Foundation
import MAACContracts
import SwiftProtobuf

/// Domain ↔ contract mapping of the contact record (contact.proto). Kept in one place so the
/// handlers stay a thin layer over the domain.
enum ContactMapping {
  static func channelType(_ type: ChannelType) -> Maac_Common_V1_ChannelType {
    switch type {
    case .line: .line
    case .facebook: .facebook
    case .instagram: .instagram
    case .whatsapp: .whatsapp
    case .email: .email
    case .sms: .sms
    }
  }

  static func channelType(_ type: Maac_Common_V1_ChannelType) -> ChannelType? {
    switch type {
    case .line: .line
    case .facebook: .facebook
    case .instagram: .instagram
    case .whatsapp: .whatsapp
    case .email: .email
    case .sms: .sms
    default: nil
    }
  }

  static func lineStatus(_ status: LineFollowStatus?) -> Maac_Common_V1_LineStatus {
    switch status {
    case .following: .following
    case .auth: .auth
    case .blocked: .blocked
    case nil: .unknown
    }
  }

  static func emailStatus(_ status: EmailStatus?) -> Maac_Common_V1_EmailStatus {
    switch status {
    case .subscribed: .subscribed
    case .unsubscribed: .unsubscribed
    case .hardBounce: .hardBounce
    case .spamReport: .spamReport
    case .suppressed: .suppressed
    case nil: .unspecified
    }
  }

  static func emailStatus(_ status: Maac_Common_V1_EmailStatus) -> EmailStatus? {
    switch status {
    case .subscribed: .subscribed
    case .unsubscribed: .unsubscribed
    case .hardBounce: .hardBounce
    case .spamReport: .spamReport
    case .suppressed: .suppressed
    default: nil
    }
  }

  static func whatsappStatus(_ status: WhatsAppStatus?) -> Maac_Common_V1_WhatsAppStatus {
    switch status {
    case .optedIn: .optedIn
    case .optedOut: .optedOut
    case .notSubscribed: .notSubscribed
    case nil: .unspecified
    }
  }

  static func whatsappStatus(_ status: Maac_Common_V1_WhatsAppStatus) -> WhatsAppStatus? {
    switch status {
    case .optedIn: .optedIn
    case .optedOut: .optedOut
    case .notSubscribed: .notSubscribed
    default: nil
    }
  }

  static func gender(_ gender: Gender) -> Maac_Common_V1_Gender {
    switch gender {
    case .female: .female
    case .male: .male
    case .others: .others
    case .unknown: .unknown
    }
  }

  static func gender(_ gender: Maac_Common_V1_Gender) -> Gender? {
    switch gender {
    case .female: .female
    case .male: .male
    case .others: .others
    case .unknown: .unknown
    default: nil
    }
  }

  static func engagement(_ level: EngagementLevel) -> Maac_Common_V1_EngagementLevel {
    switch level {
    case .lv1: .lv1
    case .lv2: .lv2
    case .lv3: .lv3
    case .lv4: .lv4
    case .lv5: .lv5
    }
  }

  static func acquisition(_ source: AcquisitionSource) -> Maac_Contacts_V1_AcquisitionSource {
    switch source {
    case .bindingMessage: .bindingMessage
    case .notificationMessage: .notificationMessage
    case .lineFollow: .lineFollow
    case .lineAuthorization: .lineAuthorization
    case .channelMessage: .channelMessage
    case .import: .import
    case .api: .api
    }
  }

  static func acquisition(_ source: Maac_Contacts_V1_AcquisitionSource) -> AcquisitionSource? {
    switch source {
    case .bindingMessage: .bindingMessage
    case .notificationMessage: .notificationMessage
    case .lineFollow: .lineFollow
    case .lineAuthorization: .lineAuthorization
    case .channelMessage: .channelMessage
    case .import: .import
    case .api: .api
    default: nil
    }
  }

  static func origin(_ origin: Origin) -> Maac_Contacts_V1_Origin {
    switch origin {
    case .user: .user
    case .api: .api
    case .import: .import
    case .channel: .channel
    case .system: .system
    case .cdh: .cdh
    }
  }

  static func nameSource(_ source: NameSource) -> Maac_Contacts_V1_NameSource {
    switch source {
    case .displayName: .displayName
    case .originalName: .originalName
    case .placeholderSyncing: .placeholderSyncing
    case .placeholderUnnamed: .placeholderUnnamed
    }
  }

  static func nameSyncState(_ state: NameSyncState) -> Maac_Contacts_V1_NameSyncState {
    switch state {
    case .notApplicable: .notApplicable
    case .syncing: .syncing
    case .synced: .synced
    case .unavailable: .unavailable
    }
  }

  /// C10: whole years on `today`; no age for a birthday after `today`.
  private static func setAge(
    of message: inout Maac_Contacts_V1_Contact, birthday: CalendarDate, today: CalendarDate
  ) {
    if let age = birthday.age(on: today) {
      message.age = Int32(age)
    } else {
      message.clearAge()
    }
  }

  static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp {
    Google_Protobuf_Timestamp(date: date)
  }

  /// The contact as read (C45, C47, C53), with custom-field labels from `definitions` and its
  /// age counted on `today`, the organization's day (C10, ``OrganizationTimeZones``).
  static func contact(
    _ contact: Contact, definitions: [CustomFieldDefinition] = [], today: CalendarDate
  ) -> Maac_Contacts_V1_Contact {
    var message = Maac_Contacts_V1_Contact()
    message.id = contact.id
    message.channelType = channelType(contact.channelType)
    message.channelID = contact.channelID ?? 0
    message.externalMemberID = contact.externalIDRaw
    switch contact.channelType {
    case .line:
      var line = Maac_Contacts_V1_LineIdentity()
      line.lineUid = contact.externalID
      line.followStatus = lineStatus(contact.lineFollowStatus)
      if let at = contact.lineFollowStatusChangedAt { line.followStatusChangedAt = timestamp(at) }
      message.line = line
    case .facebook:
      var facebook = Maac_Contacts_V1_FacebookIdentity()
      facebook.psid = contact.externalID
      facebook.fbGender = contact.fbGender ?? ""
      if let at = contact.fbLastMessageAt { facebook.lastMessageAt = timestamp(at) }
      facebook.timezone = contact.fbTimezone ?? ""
      facebook.locale = contact.fbLocale ?? ""
      message.facebook = facebook
    case .instagram:
      var instagram = Maac_Contacts_V1_InstagramIdentity()
      instagram.igID = contact.externalID
      instagram.username = contact.originalName ?? ""
      instagram.igName = contact.igName ?? ""
      instagram.isVerifiedUser = contact.igIsVerifiedUser ?? false
      message.instagram = instagram
    case .whatsapp:
      var whatsapp = Maac_Contacts_V1_WhatsAppIdentity()
      whatsapp.phone = contact.externalID
      whatsapp.status = whatsappStatus(contact.whatsappStatus)
      if let at = contact.whatsappStatusChangedAt { whatsapp.statusChangedAt = timestamp(at) }
      message.whatsapp = whatsapp
    case .sms:
      var sms = Maac_Contacts_V1_SmsIdentity()
      sms.phone = contact.externalID
      sms.phoneStatus =
        switch contact.phoneStatus {
        case .valid: .valid
        case .invalid: .invalid
        case nil: .unknown
        }
      message.sms = sms
    case .email:
      var email = Maac_Contacts_V1_EmailIdentity()
      email.address = contact.externalIDRaw
      email.status = emailStatus(contact.emailStatus)
      email.suppressionReason =
        switch contact.suppressionReason {
        case .softBounce: .softBounce
        case .invalidDomain: .invalidDomain
        case nil: .unspecified
        }
      email.displayStatus =
        switch contact.emailStatus?.displayStatus {
        case .subscribed: .subscribed
        case .unsubscribed: .unsubscribed
        case .suppressed: .suppressed
        case nil: .unspecified
        }
      email.consentSource = contact.consentSource ?? ""
      if let at = contact.consentAt { email.consentAt = timestamp(at) }
      if let at = contact.emailStatusChangedAt { email.statusChangedAt = timestamp(at) }
      email.softBounceStreak = Int32(contact.softBounceStreak)
      message.email = email
    }
    if let value = contact.displayName { message.displayName = value }
    if let value = contact.originalName { message.originalName = value }
    let resolved = contact.resolvedName
    message.resolvedName = resolved.name
    message.nameSource = nameSource(resolved.source)
    message.nameSyncState = nameSyncState(contact.nameSyncState)
    if let value = contact.avatarURL { message.avatarURL = value }
    if let value = contact.fullName { message.fullName = value }
    if let value = contact.displayMobile { message.displayMobile = value }
    if let value = contact.originalMobile { message.originalMobile = value }
    if let value = contact.displayEmail { message.displayEmail = value }
    if let value = contact.originalEmail { message.originalEmail = value }
    let resolvedGender = contact.gender.resolved
    message.gender = gender(resolvedGender.gender)
    message.genderSource =
      switch resolvedGender.source {
      case .default: .default
      case .manual: .manual
      case .channel: .channel
      case .predicted: .predicted
      }
    if let birthday = contact.birthday {
      message.birthday = birthday.description
      setAge(of: &message, birthday: birthday, today: today)
    }
    if let value = contact.region { message.region = value.rawValue }
    if let value = contact.city { message.city = value }
    if let value = contact.address { message.address = value }
    if let value = contact.company { message.company = value }
    if let value = contact.accountManager { message.accountManager = value }
    if let value = contact.memberLevel { message.memberLevel = value }
    message.starMark = contact.starMark
    if let value = contact.note { message.note = value }
    if let value = contact.customerID { message.customerID = value }
    message.isBound = contact.isBound
    if let value = contact.connectID { message.connectID = value }
    let labels = Dictionary(definitions.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
    let order = definitions.map(\.key)
    message.customFields = contact.customFields.keys.sorted { a, b in
      (order.firstIndex(of: a) ?? Int.max, a) < (order.firstIndex(of: b) ?? Int.max, b)
    }.map { key in
      var field = Maac_Contacts_V1_CustomFieldValue()
      field.key = key
      field.label = labels[key] ?? key
      field.value = contact.customFields[key] ?? ""
      return field
    }
    message.engagementLevel = engagement(contact.engagementLevel)
    message.acquisitionSource = acquisition(contact.acquisitionSource)
    message.reachable = contact.reachable
    message.requiresRiskAcceptance = contact.requiresRiskAcceptance
    if let at = contact.lastInteractionAt { message.lastInteractionAt = timestamp(at) }
    message.createdAt = timestamp(contact.createdAt)
    message.updatedAt = timestamp(contact.updatedAt)
    message.version = contact.version
    message.cdhVersion = contact.cdhVersion
    if let at = contact.deletedAt { message.deletedAt = timestamp(at) }
    return message
  }

  /// `ContactFields` → the domain input. Enum fields become their wire spelling so the domain
  /// validates them (an unspecified enum is an invalid value, named by its field).
  static func fields(_ message: Maac_Contacts_V1_ContactFields) -> ContactFieldsInput {
    var input = ContactFieldsInput()
    if message.hasDisplayName { input.displayName = message.displayName }
    if message.hasFullName { input.fullName = message.fullName }
    if message.hasDisplayMobile { input.displayMobile = message.displayMobile }
    if message.hasDisplayEmail { input.displayEmail = message.displayEmail }
    if message.hasGender { input.gender = gender(message.gender)?.rawValue ?? "unspecified" }
    if message.hasBirthday { input.birthday = message.birthday }
    if message.hasRegion { input.region = message.region }
    if message.hasCity { input.city = message.city }
    if message.hasAddress { input.address = message.address }
    if message.hasCompany { input.company = message.company }
    if message.hasAccountManager { input.accountManager = message.accountManager }
    if message.hasMemberLevel { input.memberLevel = message.memberLevel }
    if message.hasStarMark { input.starMark = message.starMark }
    if message.hasNote { input.note = message.note }
    if message.hasConnectID { input.connectID = message.connectID }
    input.customFields = message.customFields
    if message.hasEmailStatus {
      input.emailStatus = emailStatus(message.emailStatus)?.rawValue ?? "unspecified"
    }
    if message.hasWhatsappStatus {
      input.whatsappStatus = whatsappStatus(message.whatsappStatus)?.rawValue ?? "unspecified"
    }
    if message.hasConsentSource { input.consentSource = message.consentSource }
    if message.hasConsentAt { input.consentAt = message.consentAt.date }
    if message.hasCustomerID { input.customerID = message.customerID }
    return input
  }
}
