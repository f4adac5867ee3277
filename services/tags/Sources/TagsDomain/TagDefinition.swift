import Foundation

/// A tag definition of one organization (spec/tags.md §3.1).
public struct TagDefinition: Sendable, Hashable {
  /// Identity: id within its source (T4).
  public var key: TagKey
  /// Owning organization.
  public var organizationID: Int64
  /// Normalised name (T1).
  public var name: String
  /// Where the definition was first created.
  public var createdVia: CreatedVia
  /// Expiry of its associations (T20).
  public var expiry: Expiry
  /// Incremented on every definition change.
  public var version: Int64
  /// Creation time.
  public var createdAt: Date
  /// Last definition change.
  public var updatedAt: Date
  /// Soft-delete time (T14), nil while not deleted.
  public var deletedAt: Date?

  /// Creates a definition.
  public init(
    key: TagKey, organizationID: Int64, name: String, createdVia: CreatedVia,
    expiry: Expiry = .none, version: Int64 = 1, createdAt: Date, updatedAt: Date? = nil,
    deletedAt: Date? = nil
  ) {
    self.key = key
    self.organizationID = organizationID
    self.name = name
    self.createdVia = createdVia
    self.expiry = expiry
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt ?? createdAt
    self.deletedAt = deletedAt
  }

  /// Derived status: deletion wins over expiry.
  public func status(at now: Date) -> TagStatus {
    if deletedAt != nil { return .deleted }
    return expiry.tagIsExpired(at: now) ? .expired : .active
  }

  /// Refuses definition changes of tags CAAC owns (T7, B3).
  public func requireManagedByMAAC() throws(TagRuleViolation) {
    guard key.source == .maac else {
      throw TagRuleViolation(
        .failedPrecondition, reason: "TAG_MANAGED_BY_OTHER_SOURCE", field: "tag_id",
        message: "tag \(key.id) is managed by caac and cannot be changed in MAAC")
    }
  }

  /// Optimistic concurrency: refuses a change based on a stale version.
  public func requireVersion(_ expected: Int64?) throws(TagRuleViolation) {
    guard let expected, expected != version else { return }
    throw TagRuleViolation(
      .failedPrecondition, reason: "VERSION_CONFLICT", field: "expected_version",
      message: "expected_version: tag is at version \(version), not \(expected)")
  }

  /// Applies a rename and/or expiry change, keeping identity (T4); returns the old name when
  /// the name changed. The caller has already checked name uniqueness (T2, T3).
  public mutating func update(name newName: TagName?, expiry newExpiry: Expiry?, at now: Date)
    throws(TagRuleViolation) -> String?
  {
    try requireManagedByMAAC()
    var oldName: String?
    var changed = false
    if let newName, newName.value != name {
      oldName = name
      name = newName.value
      changed = true
    }
    if let newExpiry, newExpiry != expiry {
      expiry = newExpiry
      changed = true
    }
    if changed {
      version += 1
      updatedAt = now
    }
    return oldName
  }

  /// The error for a tag that does not exist for the caller (unknown, foreign or deleted, T27).
  public static func notFound(_ key: TagKey, field: String = "tag_id") -> TagRuleViolation {
    TagRuleViolation(
      .notFound, reason: "TAG_NOT_FOUND", field: field,
      message: "tag \(key.id) (source \(key.source.rawValue)) not found")
  }
}
