import Foundation

/// The request-level settings every row of one import is read with.
public struct ImportContext: Sendable {
  public var target: ImportTarget
  public var key: ImportKey
  public var channelID: Int64
  /// One country per import (C29); `nil` = none.
  public var defaultCountry: String?
  /// The organization's time zone, for `consent_at` (C40).
  public var timeZone: TimeZone
  public var now: Date

  public init(
    target: ImportTarget, key: ImportKey, channelID: Int64, defaultCountry: String?,
    timeZone: TimeZone = .gmt, now: Date = Date()
  ) {
    self.target = target
    self.key = key
    self.channelID = channelID
    self.defaultCountry = defaultCountry
    self.timeZone = timeZone
    self.now = now
  }

  /// The canonical header of the key column (e.g. `WhatsApp_mobile` for WhatsApp phone keys).
  public var keyColumnName: String {
    ImportColumn.headerName(key.column(for: target), target: target)
  }
}

/// The values of one valid row, normalised; `nil` = blank cell (keeps the stored value, C24).
public struct ImportRowValues: Hashable, Sendable {
  /// The key cell as given.
  public var keyValue: String = ""
  /// The key normalised for matching (E.164, lower-case email, UID, exact customer id).
  public var matchKey: String = ""
  public var lineUID: String?
  /// LINE template phone / WhatsApp number (E.164).
  public var phone: String?
  public var customerID: String?
  public var displayName: String?
  /// Email cell as given (trimmed).
  public var email: String?
  public var note: String?
  public var tags: [String] = []
  public var emailStatus: EmailStatus?
  public var whatsappStatus: WhatsAppStatus?
  public var gender: Gender?
  /// Email template `mobile` (E.164).
  public var mobile: String?
  public var birthday: CalendarDate?
  public var consentSource: String?
  public var consentAt: Date?
  public var customFields: [String: String] = [:]
}

/// A row after validation (C34): ready to apply, failed or skipped — never partly applied.
public enum ImportRowVerdict: Hashable, Sendable {
  case ready(ImportRowValues, issues: [ImportIssue])
  case failed([ImportIssue], keyValue: String)
  case skipped(ImportIssue, keyValue: String)
}

/// Validates one row against its header (C19, C29, C30, C34, C35, C42).
public enum ImportRowValidator {
  public static func validate(_ cells: [String], header: ImportHeader, context: ImportContext)
    -> ImportRowVerdict
  {
    let keyCell = header.keyIndex < cells.count ? Text.normalize(cells[header.keyIndex]) : ""
    guard cells.count == header.columns.count else {
      return .failed(
        [
          ImportIssue(
            code: .columnCountMismatch,
            message: "the row has \(cells.count) cells but the header has \(header.columns.count)",
            blocking: true)
        ], keyValue: keyCell)
    }
    var values = ImportRowValues()
    values.keyValue = keyCell
    var failures: [ImportIssue] = []
    var issues: [ImportIssue] = []
    var statusBlank = false
    let country = context.defaultCountry

    func phone(_ raw: String, column: String, international: Bool) throws(FieldViolation) -> String
    {
      let number = try PhoneNumber.parse(
        raw, defaultCountry: country, field: column, requireInternational: international)
      if let country, !number.belongs(to: country) {
        throw FieldViolation(
          field: column, reason: .phoneCountryMismatch,
          message: "\(number.e164) is not a \(country) number")
      }
      return number.e164
    }
    func text(_ raw: String, _ column: String, _ limit: Int, _ reason: ReasonCode = .fieldTooLong)
      throws(FieldViolation)
      -> String
    {
      try Text.checkLength(raw, limit: limit, field: column, reason: reason)
      return raw
    }

    for (index, column) in header.columns.enumerated() {
      guard let column else { continue }
      let name = header.names[index]
      let raw = Text.normalize(cells[index])
      if raw.isEmpty {
        if column == .messagingStatus { statusBlank = true }
        continue
      }
      do throws(FieldViolation) {
        switch column {
        case .lineUID: values.lineUID = try LineUID.parse(raw, field: name)
        case .phone: values.phone = try phone(raw, column: name, international: false)
        case .whatsappMobile: values.phone = try phone(raw, column: name, international: true)
        case .mobile: values.mobile = try phone(raw, column: name, international: false)
        case .customerID: values.customerID = try text(raw, name, FieldLimits.customerID)
        case .displayName: values.displayName = try text(raw, name, FieldLimits.displayName)
        case .email: values.email = try EmailAddress.parse(raw, field: name).value
        case .note: values.note = try text(raw, name, FieldLimits.note, .noteTooLong)
        case .tags:
          let split = ImportTags.split(raw)
          values.tags = split.valid
          issues += split.invalid.map {
            ImportIssue(
              code: .tagInvalid, column: name,
              message:
                "tag \"\($0)\" is longer than \(FieldLimits.tagName) characters and was not applied",
              blocking: false)
          }
        case .messagingStatus:
          switch context.target {
          case .email:
            guard let status = EmailStatus(rawValue: raw.lowercased()),
              EmailStatus.importable.contains(status)
            else {
              throw FieldViolation(
                field: name, reason: .invalidMessagingStatus,
                message:
                  "\(name) must be one of subscribed, unsubscribed, hard_bounce, spam_report; got \"\(raw)\""
              )
            }
            values.emailStatus = status
          case .whatsapp:
            guard let status = WhatsAppStatus(rawValue: raw.lowercased()) else {
              throw FieldViolation(
                field: name, reason: .invalidMessagingStatus,
                message:
                  "\(name) must be one of opted_in, opted_out, not_subscribed; got \"\(raw)\"")
            }
            values.whatsappStatus = status
          case .line: break
          }
        case .gender: values.gender = try Gender.parseImport(raw, field: name)
        case .birthday: values.birthday = try CalendarDate.parseBirthday(raw, field: name)
        case .consentSource: values.consentSource = try text(raw, name, FieldLimits.consentSource)
        case .consentAt:
          values.consentAt = try ConsentTime.parse(raw, timeZone: context.timeZone, field: name)
        case .customField(let key):
          values.customFields[key] = try text(raw, name, FieldLimits.customFieldValue)
        }
      } catch {
        failures.append(ImportIssue(error, column: name))
      }
    }

    let keyName = header.names[header.keyIndex]
    if keyCell.isEmpty {
      failures.insert(
        ImportIssue(
          code: .missingKeyValue, column: keyName, message: "the key column \(keyName) is blank",
          blocking: true),
        at: 0)
    } else {
      switch context.key {
      case .lineUID: values.matchKey = values.lineUID ?? ""
      case .phone: values.matchKey = values.phone ?? ""
      case .customerID: values.matchKey = values.customerID ?? ""
      case .email: values.matchKey = values.email?.lowercased() ?? ""
      }
    }
    if statusBlank && context.target == .email {
      let column = header.names[header.columns.firstIndex(of: .messagingStatus)!]
      failures.append(
        ImportIssue(
          code: .missingMessagingStatus, column: column, message: "\(column) is empty",
          blocking: true))
    }
    if !failures.isEmpty { return .failed(failures, keyValue: keyCell) }
    if statusBlank && context.target == .whatsapp {
      let column = header.names[header.columns.firstIndex(of: .messagingStatus)!]
      return .skipped(
        ImportIssue(
          code: .missingMessagingStatus, column: column,
          message: "\(column) is empty; the row was skipped and nothing of it was written",
          blocking: true),
        keyValue: keyCell)
    }
    return .ready(values, issues: issues)
  }
}

/// Tag cells of imports (C26): split on `,`, trimmed, empty pieces dropped, duplicates collapsed.
public enum ImportTags {
  public static func split(_ cell: String) -> (valid: [String], invalid: [String]) {
    var seen: Set<String> = []
    var valid: [String] = []
    var invalid: [String] = []
    for piece in cell.split(separator: ",", omittingEmptySubsequences: false) {
      let name = Text.normalize(String(piece))
      guard !name.isEmpty, seen.insert(name).inserted else { continue }
      if Text.length(name) > FieldLimits.tagName {
        invalid.append(name)
      } else {
        valid.append(name)
      }
    }
    return (valid, invalid)
  }
}
