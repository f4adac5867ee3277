import Foundation

/// What an edit needs besides the values: the organization's custom fields, a country to read
/// national phone numbers with, and the time.
public struct EditContext: Sendable {
  /// Keys of the organization's custom-field definitions (C15); `nil` = not known, unchecked.
  public var customFieldKeys: Set<String>?
  /// ISO alpha-2 used for national phone input (C8).
  public var defaultCountry: String?
  public var now: Date

  public init(
    customFieldKeys: Set<String>? = nil, defaultCountry: String? = nil, now: Date = Date()
  ) {
    self.customFieldKeys = customFieldKeys
    self.defaultCountry = defaultCountry
    self.now = now
  }
}

/// The result of a validated edit: the new contact and what the edit touched.
public struct ContactEdit: Hashable, Sendable {
  public var contact: Contact
  /// Attributes given a value.
  public var setAttributes: Set<ContactAttribute>
  /// Attributes cleared.
  public var clearedAttributes: Set<ContactAttribute>

  /// C69: an interactive edit that sets a unify key or clears a contact-level field acts on
  /// the person and goes through CDH first.
  public var requiresProfileAuthority: Bool {
    !setAttributes.isDisjoint(with: ContactAttribute.unifyKeys)
      || clearedAttributes.contains {
        ContactAttribute.contactLevel.contains($0) || $0.customFieldKey != nil
      }
  }
}

/// Validates and applies single-record edits (C2, C7–C16, C37, C40, C42, C60).
public enum ContactEditor {
  /// Applies the fields named by `mask` from `input` to `contact`. A named field that is absent
  /// (or blank) is cleared. Throws the first problem, naming the field.
  public static func apply(
    _ input: ContactFieldsInput, mask: [String], to contact: Contact, context: EditContext
  ) throws(DomainError) -> ContactEdit {
    guard !mask.isEmpty else {
      throw .invalid(
        .emptyRequest, field: "update_mask", "update_mask must name at least one field")
    }
    var result = contact
    var set: Set<ContactAttribute> = []
    var cleared: Set<ContactAttribute> = []
    func record(_ attribute: ContactAttribute, _ value: Any?) {
      if value == nil { cleared.insert(attribute) } else { set.insert(attribute) }
    }
    for rawPath in mask {
      let path = rawPath.trimmingCharacters(in: .whitespaces)
      do {
        if path.hasPrefix("custom_fields.") {
          let key = String(path.dropFirst("custom_fields.".count))
          try applyCustomField(key, value: input.customFields[key], to: &result, context: context)
          record(.customField(key), Text.normalizedOrNil(input.customFields[key]))
          continue
        }
        if EditableField.immutablePaths.contains(path) {
          throw FieldViolation(
            field: path, reason: .immutableField,
            message: "\(path) is the channel identity and cannot change")
        }
        if EditableField.readOnlyPaths.contains(path) {
          throw FieldViolation(
            field: path, reason: .readOnlyField,
            message: "\(path) is read-only: only the channel or system sets it")
        }
        guard let field = EditableField(rawValue: path) else {
          throw FieldViolation(
            field: path, reason: .unknownField, message: "\(path) is not a contact field")
        }
        try applyField(field, input: input, to: &result, context: context, record: record)
      } catch let violation as FieldViolation {
        throw violation.asDomainError
      } catch let error as DomainError {
        throw error
      } catch {
        throw .invalid(.unknownField, field: path, "\(path) could not be applied")
      }
    }
    if result != contact {
      result.updatedAt = context.now
    }
    return ContactEdit(contact: result, setAttributes: set, clearedAttributes: cleared)
  }

  private static func applyField(
    _ field: EditableField, input: ContactFieldsInput, to contact: inout Contact,
    context: EditContext,
    record: (ContactAttribute, Any?) -> Void
  ) throws {
    let name = field.rawValue
    func text(_ value: String?, limit: Int, reason: ReasonCode = .fieldTooLong)
      throws(FieldViolation) -> String?
    {
      guard let value = Text.normalizedOrNil(value) else { return nil }
      try Text.checkLength(value, limit: limit, field: name, reason: reason)
      return value
    }
    switch field {
    case .displayName:
      contact.displayName = try text(input.displayName, limit: FieldLimits.displayName)
      record(.displayName, contact.displayName)
    case .fullName:
      contact.fullName = try text(input.fullName, limit: FieldLimits.fullName)
      record(.fullName, contact.fullName)
    case .displayMobile:
      let value = try Text.normalizedOrNil(input.displayMobile).map { raw throws(FieldViolation) in
        try PhoneNumber.parse(raw, defaultCountry: context.defaultCountry, field: name).e164
      }
      if contact.channelType == .sms || contact.channelType == .whatsapp {
        guard value == contact.externalID else {
          throw FieldViolation(
            field: name, reason: .immutableField,
            message:
              "\(name) is the primary key of a \(contact.channelType.rawValue) contact and cannot change"
          )
        }
        return
      }
      contact.displayMobile = value
      record(.displayMobile, value)
    case .displayEmail:
      let value = try Text.normalizedOrNil(input.displayEmail).map { raw throws(FieldViolation) in
        try EmailAddress.parse(raw, field: name).value
      }
      if contact.channelType == .email {
        guard value?.lowercased() == contact.externalID else {
          throw FieldViolation(
            field: name, reason: .immutableField,
            message: "\(name) is the primary key of an email contact and cannot change")
        }
        return
      }
      contact.displayEmail = value
      record(.displayEmail, value)
    case .gender:
      contact.gender.manual = try Text.normalizedOrNil(input.gender).map {
        raw throws(FieldViolation) in
        try Gender.parseAPI(raw, field: name)
      }
      record(.gender, contact.gender.manual)
    case .birthday:
      contact.birthday = try Text.normalizedOrNil(input.birthday).map {
        raw throws(FieldViolation) in
        try CalendarDate.parseBirthday(raw, field: name)
      }
      record(.birthday, contact.birthday)
    case .region:
      contact.region = try Text.normalizedOrNil(input.region).map { raw throws(FieldViolation) in
        try Region.parse(raw, field: name)
      }
      record(.region, contact.region)
    case .city:
      contact.city = try text(input.city, limit: FieldLimits.city)
      record(.city, contact.city)
    case .address:
      contact.address = try text(input.address, limit: FieldLimits.address)
      record(.address, contact.address)
    case .company:
      contact.company = try text(input.company, limit: FieldLimits.company)
      record(.company, contact.company)
    case .accountManager:
      contact.accountManager = try text(input.accountManager, limit: FieldLimits.accountManager)
      record(.accountManager, contact.accountManager)
    case .memberLevel:
      contact.memberLevel = try text(input.memberLevel, limit: FieldLimits.memberLevel)
      record(.memberLevel, contact.memberLevel)
    case .starMark:
      contact.starMark = input.starMark ?? false
      record(.starMark, input.starMark)
    case .note:
      contact.note = try text(input.note, limit: FieldLimits.note, reason: .noteTooLong)
      record(.note, contact.note)
    case .connectID:
      contact.connectID = try text(input.connectID, limit: FieldLimits.connectID)
      record(.connectID, contact.connectID)
    case .customerID:
      contact.customerID = try text(input.customerID, limit: FieldLimits.customerID)
      record(.customID, contact.customerID)
    case .customFields:
      for key in input.customFields.keys.sorted() {
        try applyCustomField(key, value: input.customFields[key], to: &contact, context: context)
        record(.customField(key), Text.normalizedOrNil(input.customFields[key]))
      }
    case .emailStatus:
      try requireType(.email, contact, name)
      guard let raw = Text.normalizedOrNil(input.emailStatus),
        let status = EmailStatus(rawValue: raw.lowercased())
      else {
        throw FieldViolation(
          field: name, reason: .invalidEmailStatus,
          message:
            "\(name) must be one of \(EmailStatus.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      switch EmailStatusRules.transition(from: contact.emailStatus, to: status) {
      case .set:
        contact.emailStatus = status
        contact.suppressionReason = nil
        contact.emailStatusChangedAt = context.now
      case .noChange: break
      case .ignored:
        throw DomainError(
          .failedPrecondition, .emailStatusIrreversible, field: name,
          message:
            "\(name) is \(contact.emailStatus!.rawValue), which is final: it cannot become \(status.rawValue)"
        )
      }
    case .whatsappStatus:
      try requireType(.whatsapp, contact, name)
      guard let raw = Text.normalizedOrNil(input.whatsappStatus),
        let status = WhatsAppStatus(rawValue: raw.lowercased())
      else {
        throw FieldViolation(
          field: name, reason: .invalidWhatsAppStatus,
          message:
            "\(name) must be one of \(WhatsAppStatus.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      if contact.whatsappStatus != status {
        contact.whatsappStatus = status
        contact.whatsappStatusChangedAt = context.now
      }
    case .consentSource:
      try requireType(.email, contact, name)
      contact.consentSource = try text(input.consentSource, limit: FieldLimits.consentSource)
    case .consentAt:
      try requireType(.email, contact, name)
      contact.consentAt = input.consentAt
    }
  }

  private static func requireType(_ type: ChannelType, _ contact: Contact, _ field: String)
    throws(FieldViolation)
  {
    guard contact.channelType == type else {
      throw FieldViolation(
        field: field, reason: .fieldNotApplicable,
        message:
          "\(field) applies only to \(type.rawValue) contacts, not \(contact.channelType.rawValue)")
    }
  }

  private static func applyCustomField(
    _ key: String, value: String?, to contact: inout Contact, context: EditContext
  ) throws(FieldViolation) {
    let field = "custom_fields.\(key)"
    if let keys = context.customFieldKeys, !keys.contains(key) {
      throw FieldViolation(
        field: field, reason: .unknownCustomField,
        message: "\(key) is not a custom field of the organization")
    }
    if let value = Text.normalizedOrNil(value) {
      try Text.checkLength(value, limit: FieldLimits.customFieldValue, field: field)
      contact.customFields[key] = value
    } else {
      contact.customFields[key] = nil
    }
  }
}
