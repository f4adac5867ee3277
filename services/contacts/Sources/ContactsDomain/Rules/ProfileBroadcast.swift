import Foundation

/// One CDH `contact.update` item for this service's members (C49, C70).
public struct ProfileBroadcast: Hashable, Sendable {
  public var eventID: Int64
  /// Item version; only a version above the contact's `cdh_version` applies (C49).
  public var version: Int64
  /// CDH field name (`cdh.md` §2.3) → merged value.
  public var fields: [String: String]
  /// Fields the profile cleared.
  public var clearedFields: [String]
  /// Source timestamp of each field's value (C49).
  public var provenance: [String: Date]

  public init(
    eventID: Int64, version: Int64, fields: [String: String], clearedFields: [String] = [],
    provenance: [String: Date] = [:]
  ) {
    self.eventID = eventID
    self.version = version
    self.fields = fields
    self.clearedFields = clearedFields
    self.provenance = provenance
  }

  /// Applies the item to `contact` (C49, C70). `localClocks` holds, per attribute name, the time
  /// of the last local change. Returns `nil` when the whole item is stale. Only contact-level
  /// attributes and custom fields are copied — never primary keys, original values, avatar,
  /// statuses, note, engagement level or timestamps.
  public func apply(to contact: Contact, localClocks: [String: Date], now: Date) -> Contact? {
    guard version > contact.cdhVersion else { return nil }
    var next = contact
    next.cdhVersion = version
    func fresh(_ field: String) -> Bool {
      guard let local = localClocks[field] else { return true }
      guard let source = provenance[field] else { return false }
      return source >= local
    }
    let writable = Set(ContactAttribute.contactLevel.map(\.rawValue))
    for (field, raw) in fields.sorted(by: { $0.key < $1.key }) where fresh(field) {
      let attribute = ContactAttribute(rawValue: field)
      guard writable.contains(field) || attribute.customFieldKey != nil else { continue }
      Self.write(attribute, Text.normalizedOrNil(raw), to: &next)
    }
    for field in clearedFields.sorted() where fresh(field) {
      let attribute = ContactAttribute(rawValue: field)
      guard writable.contains(field) || attribute.customFieldKey != nil else { continue }
      Self.write(attribute, nil, to: &next)
    }
    if next != contact { next.updatedAt = now }
    return next
  }

  /// Writes one contact-level attribute; values CDH sends that do not parse are skipped.
  static func write(_ attribute: ContactAttribute, _ value: String?, to contact: inout Contact) {
    if let key = attribute.customFieldKey {
      contact.customFields[key] = value
      return
    }
    switch attribute {
    case .displayName: contact.displayName = value
    case .fullName: contact.fullName = value
    case .displayMobile where contact.channelType != .sms && contact.channelType != .whatsapp:
      contact.displayMobile = value
    case .displayEmail where contact.channelType != .email: contact.displayEmail = value
    case .region: contact.region = value.flatMap { Region(rawValue: $0.lowercased()) }
    case .city: contact.city = value
    case .address: contact.address = value
    case .birthday: contact.birthday = value.flatMap { try? CalendarDate.parseBirthday($0) }
    case .gender: contact.gender.manual = value.flatMap { try? Gender.parseAPI($0) }
    case .company: contact.company = value
    case .accountManager: contact.accountManager = value
    case .customID: contact.customerID = value
    case .memberLevel: contact.memberLevel = value
    case .connectID: contact.connectID = value
    case .starMark: contact.starMark = value == "true"
    default: break
    }
  }
}

extension ProfileBroadcast {
  /// C48, C69: after CDH accepted a person-level write, the contact takes CDH's merged value
  /// of every written field (a field absent from `merged` has no value in the person, so it
  /// is cleared). Returns `nil` when nothing changes (no event).
  public static func applyMerged(
    _ merged: [String: String], written: [String], to contact: Contact, now: Date
  ) -> Contact? {
    var next = contact
    for field in written {
      write(ContactAttribute(rawValue: field), Text.normalizedOrNil(merged[field]), to: &next)
    }
    guard next != contact else { return nil }
    next.updatedAt = now
    return next
  }
}
