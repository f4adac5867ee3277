import Foundation

/// What happened to one row (§2.5).
public enum RowOutcome: String, CaseIterable, Hashable, Sendable, Codable {
  case created
  case updated
  case skipped
  case failed
}

/// A contact touched by a batch: one that exists, or the n-th one the batch creates.
public enum ContactRef: Hashable, Sendable {
  case existing(Int64)
  case new(Int)
}

/// One row's planned result (§2.5 RowResult); `contact` is resolved to an id once stored.
public struct PlannedRow: Hashable, Sendable {
  public var rowNumber: Int
  public var outcome: RowOutcome
  public var contact: ContactRef?
  public var keyValue: String
  public var issues: [ImportIssue]
  /// The row's original cells (kept for the failure report of reported rows).
  public var cells: [String]
  /// Tag names to add to the row's contact through the tag manager (C26).
  public var tags: [String]

  /// Failed and skipped rows, and applied rows with issues, go to the failure report (C17).
  public var isReported: Bool { outcome == .failed || outcome == .skipped || !issues.isEmpty }
}

/// The outcome of an email domain check (C39).
public enum EmailDomainCheck: Hashable, Sendable {
  case valid
  /// The domain does not exist or has neither MX nor A/AAAA.
  case invalid
  /// DNS timed out: do not suppress.
  case unverified
}

/// What a batch of rows does to the store, in file order (C31).
public struct ImportBatchPlan: Sendable {
  public var rows: [PlannedRow] = []
  /// Contacts to create, in creation order (`ContactRef.new(index)`), in their final state.
  public var newContacts: [Contact] = []
  /// Existing contacts changed by the batch: final state and the state before the batch.
  public var updates: [Int64: (before: Contact, after: Contact)] = [:]
  /// Ids of `updates` in the order they were first touched.
  public var updateOrder: [Int64] = []
}

/// Turns validated rows into creates, updates and row results (C19–C26, C31, C34, C37, C39, C42).
///
/// Plans one batch at a time: `existing` holds every stored candidate for the batch's keys
/// (found with ``ImportMatchScope``); contacts created by earlier rows of the batch are matched
/// by later rows, so two rows with one new key create once and then update (C31).
public struct ImportPlanner: Sendable {
  public let context: ImportContext
  public let organizationID: Int64
  private let scopes: [ImportMatchScope]

  public init(context: ImportContext, organizationID: Int64) {
    self.context = context
    self.organizationID = organizationID
    self.scopes = ImportMatchScope.scopes(
      target: context.target, key: context.key, channelID: context.channelID)
  }

  /// Plans `rows` (record number, cells, verdict) against `existing` candidates.
  public func plan(
    _ rows: [(number: Int, cells: [String], verdict: ImportRowVerdict)], existing: [Contact],
    domainChecks: [String: EmailDomainCheck] = [:]
  ) -> ImportBatchPlan {
    var plan = ImportBatchPlan()
    plan.rows.reserveCapacity(rows.count)
    plan.newContacts.reserveCapacity(rows.count)
    // The stored contacts as the batch leaves them; the ones it creates are in
    // `plan.newContacts` only (a bulk load creates nearly every row: one copy each, not two).
    var stored: [Int64: Contact] = [:]
    var byKey: [String: [ContactRef]] = [:]
    stored.reserveCapacity(existing.count)
    byKey.reserveCapacity(existing.count + rows.count)
    func state(_ ref: ContactRef) -> Contact? {
      switch ref {
      case .existing(let id): stored[id]
      case .new(let index): plan.newContacts[index]
      }
    }
    for contact in existing where contact.deletedAt == nil {
      let ref = ContactRef.existing(contact.id)
      guard stored[contact.id] == nil else { continue }
      stored[contact.id] = contact
      for key in matchKeys(of: contact) { byKey[key, default: []].append(ref) }
    }

    for row in rows {
      switch row.verdict {
      case .failed(let issues, let keyValue):
        plan.rows.append(
          PlannedRow(
            rowNumber: row.number, outcome: .failed, contact: nil, keyValue: keyValue,
            issues: issues,
            cells: row.cells, tags: []))
      case .skipped(let issue, let keyValue):
        plan.rows.append(
          PlannedRow(
            rowNumber: row.number, outcome: .skipped, contact: nil, keyValue: keyValue,
            issues: [issue],
            cells: row.cells, tags: []))
      case .ready(let values, let validationIssues):
        var issues = validationIssues
        let candidates = (byKey[values.matchKey] ?? []).compactMap { ref in
          state(ref).map { (ref, $0) }
        }
        let outcome: RowOutcome
        let ref: ContactRef
        if let chosen = Self.mostRecentlyCreated(candidates) {
          if candidates.count > 1 {
            issues.append(
              ImportIssue(
                code: .multipleMatches, column: context.keyColumnName,
                message:
                  "\(candidates.count) contacts match \(values.keyValue); the most recently created was updated",
                blocking: false))
          }
          ref = chosen.0
          var contact = chosen.1
          let before = contact
          issues += apply(values, to: &contact, creating: false)
          if contact != before { contact.updatedAt = context.now }
          switch ref {
          case .existing(let id):
            stored[id] = contact
            if contact != before {
              if plan.updates[id] == nil {
                plan.updateOrder.append(id)
                plan.updates[id] = (before: before, after: contact)
              } else {
                plan.updates[id]!.after = contact
              }
            }
          case .new(let index):
            plan.newContacts[index] = contact
          }
          outcome = .updated
        } else if !context.key.createsOnMiss {
          plan.rows.append(
            PlannedRow(
              rowNumber: row.number, outcome: .skipped, contact: nil, keyValue: values.keyValue,
              issues: [
                ImportIssue(
                  code: .keyNotFound, column: context.keyColumnName,
                  message:
                    "no contact has customer_id \(values.keyValue); customer_id imports never create",
                  blocking: true)
              ] + issues, cells: row.cells, tags: []))
          continue
        } else {
          var contact = newContact(for: values)
          issues += apply(values, to: &contact, creating: true)
          if contact.channelType == .email,
            let check = domainChecks[EmailAddress.domainKey(contact.externalID)]
          {
            issues += Self.applyDomainCheck(check, to: &contact)
          }
          ref = .new(plan.newContacts.count)
          plan.newContacts.append(contact)
          for key in matchKeys(of: contact) { byKey[key, default: []].append(ref) }
          outcome = .created
        }
        plan.rows.append(
          PlannedRow(
            rowNumber: row.number, outcome: outcome, contact: ref, keyValue: values.keyValue,
            issues: issues,
            cells: row.cells, tags: values.tags))
      }
    }
    return plan
  }

  /// C20: the latest `created_at` wins; ties go to the highest id; contacts this batch created
  /// are newer than every stored one.
  static func mostRecentlyCreated(_ candidates: [(ContactRef, Contact)]) -> (ContactRef, Contact)? {
    candidates.max { a, b in
      if a.1.createdAt != b.1.createdAt { return a.1.createdAt < b.1.createdAt }
      switch (a.0, b.0) {
      case (.existing(let x), .existing(let y)): return x < y
      case (.new(let x), .new(let y)): return x < y
      case (.existing, .new): return true
      case (.new, .existing): return false
      }
    }
  }

  /// The keys under which `contact` is a candidate in this import's scopes.
  func matchKeys(of contact: Contact) -> [String] {
    scopes.compactMap { scope in
      guard contact.channelType == scope.channelType else { return nil }
      if let channelID = scope.channelID, contact.channelID != channelID { return nil }
      switch scope.field {
      case .primaryKey: return contact.externalID
      case .displayMobile: return contact.displayMobile
      case .customerID: return contact.customerID
      }
    }
  }

  /// C22: what a row without a match creates.
  func newContact(for values: ImportRowValues) -> Contact {
    var contact: Contact
    switch (context.target, context.key) {
    case (.line, .phone):
      contact = Contact(
        organizationID: organizationID, channelType: .sms, channelID: nil,
        externalID: values.matchKey,
        acquisitionSource: .import, createdAt: context.now)
    case (.line, _):
      contact = Contact(
        organizationID: organizationID, channelType: .line, channelID: context.channelID,
        externalID: values.matchKey, acquisitionSource: .import, createdAt: context.now)
      // The profile (name, avatar) is fetched in the background (C33).
      contact.nameSyncState = .syncing
    case (.email, _):
      contact = Contact(
        organizationID: organizationID, channelType: .email, channelID: context.channelID,
        externalID: values.matchKey, externalIDRaw: values.email, acquisitionSource: .import,
        createdAt: context.now)
    case (.whatsapp, _):
      contact = Contact(
        organizationID: organizationID, channelType: .whatsapp, channelID: context.channelID,
        externalID: values.matchKey, acquisitionSource: .import, createdAt: context.now)
    }
    return contact
  }

  /// C23–C25, C37, C42: blank keeps, a value overwrites; primary keys never change; email
  /// status transitions follow C37. Returns the row's non-blocking issues.
  func apply(_ values: ImportRowValues, to contact: inout Contact, creating: Bool) -> [ImportIssue]
  {
    var issues: [ImportIssue] = []
    func ignoredKey(_ column: String, _ value: String) {
      issues.append(
        ImportIssue(
          code: .primaryKeyIgnored, column: column,
          message: "\(column) \(value) would change the contact's channel identity and was ignored",
          blocking: false))
    }
    if let uid = values.lineUID, context.key != .lineUID {
      if contact.channelType != .line || contact.externalID != uid { ignoredKey("line_uid", uid) }
    }
    if let phone = values.phone {
      switch contact.channelType {
      case .line: contact.displayMobile = phone  // C25: the display phone, never original_mobile
      case .sms, .whatsapp: if contact.externalID != phone { ignoredKey("phone", phone) }
      default: break
      }
    }
    if let email = values.email {
      if contact.channelType == .email {
        if contact.externalID != email.lowercased() { ignoredKey("email", email) }
      } else {
        contact.displayEmail = email
      }
    }
    if let mobile = values.mobile { contact.displayMobile = mobile }
    if let name = values.displayName { contact.displayName = name }
    if let note = values.note { contact.note = note }
    if let customerID = values.customerID { contact.customerID = customerID }
    if let gender = values.gender { contact.gender.manual = gender }
    if let birthday = values.birthday { contact.birthday = birthday }
    if let source = values.consentSource { contact.consentSource = source }
    if let consentAt = values.consentAt { contact.consentAt = consentAt }
    for (key, value) in values.customFields { contact.customFields[key] = value }
    if let status = values.emailStatus {
      switch EmailStatusRules.transition(from: creating ? nil : contact.emailStatus, to: status) {
      case .set:
        contact.emailStatus = status
        contact.suppressionReason = nil
        contact.emailStatusChangedAt = context.now
      case .noChange: break
      case .ignored:
        issues.append(
          ImportIssue(
            code: .statusChangeIgnored, column: "messaging_status",
            message:
              "status stays \(contact.emailStatus!.rawValue): a non-subscribed email status is final, \(status.rawValue) was ignored",
            blocking: false))
      }
    }
    if let status = values.whatsappStatus, contact.whatsappStatus != status {
      contact.whatsappStatus = status
      contact.whatsappStatusChangedAt = context.now
    }
    return issues
  }

  /// C39: an invalid domain suppresses a newly created address; a DNS timeout only warns.
  static func applyDomainCheck(_ check: EmailDomainCheck, to contact: inout Contact)
    -> [ImportIssue]
  {
    switch check {
    case .valid: return []
    case .invalid:
      contact.emailStatus = .suppressed
      contact.suppressionReason = .invalidDomain
      return [
        ImportIssue(
          code: .emailDomainInvalid, column: "email",
          message:
            "the domain of \(contact.externalIDRaw) has no mail server; the address is suppressed",
          blocking: false)
      ]
    case .unverified:
      return [
        ImportIssue(
          code: .emailDomainUnverified, column: "email",
          message: "the domain of \(contact.externalIDRaw) could not be checked (DNS timeout)",
          blocking: false)
      ]
    }
  }
}

extension EmailAddress {
  /// The lower-cased domain of a stored (valid) address key.
  public static func domainKey(_ address: String) -> String {
    guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
    return String(address[address.index(after: at)...]).lowercased()
  }
}
