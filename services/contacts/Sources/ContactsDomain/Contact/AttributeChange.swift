import Foundation

/// One attribute's before/after values (C68); `nil` = not set / cleared.
public struct AttributeChange: Hashable, Sendable {
  public var attribute: ContactAttribute
  public var previousValue: String?
  public var newValue: String?

  public init(attribute: ContactAttribute, previousValue: String?, newValue: String?) {
    self.attribute = attribute
    self.previousValue = previousValue
    self.newValue = newValue
  }

  /// Every attribute whose value differs between `before` and `after`, in a stable order.
  /// With no `before` (creation) every non-empty attribute of `after` is listed (§6.1).
  public static func between(_ before: Contact?, _ after: Contact) -> [AttributeChange] {
    var changes: [AttributeChange] = []
    let keys = Set(before?.customFields.keys.map { $0 } ?? []).union(after.customFields.keys)
      .sorted()
    for (attribute, read) in Contact.trackedReaders {
      let old = before.flatMap(read)
      let new = read(after)
      if old != new, before != nil || new != nil {
        changes.append(AttributeChange(attribute: attribute, previousValue: old, newValue: new))
      }
    }
    for key in keys {
      let old = before?.customFields[key]
      let new = after.customFields[key]
      if old != new, before != nil || new != nil {
        changes.append(
          AttributeChange(
            attribute: ContactAttribute.customField(key), previousValue: old, newValue: new))
      }
    }
    return changes
  }
}

/// Who made a change and why (§2.7, §6.1 envelope).
public struct ChangeCause: Hashable, Sendable {
  public var origin: Origin
  /// User id or `system:<service>`.
  public var actor: String
  /// Request id, import task id, provider event id or CDH event id.
  public var correlationID: String
  /// Finer path (e.g. bind via `liff`).
  public var via: String?

  public init(origin: Origin, actor: String, correlationID: String, via: String? = nil) {
    self.origin = origin
    self.actor = actor
    self.correlationID = correlationID
    self.via = via
  }
}

/// One change-history entry (§2.7, C74).
public struct HistoryEntry: Hashable, Sendable {
  public var contactID: Int64
  public var occurredAt: Date
  /// The attribute name, or `status:<channel>` for status transitions.
  public var field: String
  public var previousValue: String?
  public var newValue: String?
  public var cause: ChangeCause

  public init(
    contactID: Int64, occurredAt: Date, field: String, previousValue: String?, newValue: String?,
    cause: ChangeCause
  ) {
    self.contactID = contactID
    self.occurredAt = occurredAt
    self.field = field
    self.previousValue = previousValue
    self.newValue = newValue
    self.cause = cause
  }

  /// One entry per field change and status transition (C74). Derived `reachable` is not a
  /// field of its own and is left out; a status change names `status:<channel>`.
  public static func entries(
    for changes: [AttributeChange], contact: Contact, at time: Date, cause: ChangeCause
  ) -> [HistoryEntry] {
    changes.compactMap { change in
      if change.attribute == .reachable { return nil }
      let field =
        change.attribute == .channelStatus
        ? (contact.channelType.statusHistoryField ?? change.attribute.rawValue)
        : change.attribute.rawValue
      return HistoryEntry(
        contactID: contact.id, occurredAt: time, field: field, previousValue: change.previousValue,
        newValue: change.newValue, cause: cause)
    }
  }
}
