/// Identity and org data of one organization as CDH knows it (cdh.md §2.2 org_unify_scope).
public struct OrgInfo: Sendable, Hashable, Codable {
  public var org: OrgRef
  public var orgUUID: String?
  public var name: String?
  /// ISO 3166 alpha-2, used for phone normalisation (U12). Default `TW`.
  public var defaultCountry: String

  public init(
    org: OrgRef, orgUUID: String? = nil, name: String? = nil, defaultCountry: String = "TW"
  ) {
    self.org = org
    self.orgUUID = orgUUID
    self.name = name
    self.defaultCountry = defaultCountry
  }
}

/// A unify scope: the orgs sharing one unification space and its settings (U1–U6).
public struct UnifyScope: Sendable, Hashable, Codable {
  public var id: Int64
  public var name: String
  public var orgs: [OrgRef]
  /// The stored settings (what the caller saved).
  public var keys: UnifyKeySet
  /// Incremented on every key or membership change.
  public var settingsVersion: Int64
  public var createdAt: Instant
  public var updatedAt: Instant

  public init(
    id: Int64, name: String, orgs: [OrgRef], keys: UnifyKeySet = .empty, settingsVersion: Int64 = 1,
    createdAt: Instant, updatedAt: Instant? = nil
  ) {
    self.id = id
    self.name = name
    self.orgs = orgs
    self.keys = keys
    self.settingsVersion = settingsVersion
    self.createdAt = createdAt
    self.updatedAt = updatedAt ?? createdAt
  }

  /// U1: the default single-org scope is named `{source}_{org_id}` and has no keys.
  public static func defaultName(for org: OrgRef) -> String {
    "\(org.source.rawValue)_\(org.orgID)"
  }

  /// U4: connected iff the scope contains more than one org.
  public var isConnected: Bool { orgs.count > 1 }

  /// Who addresses a key update: one org (app-level) or the scope (admin center).
  public enum UpdateTarget: Sendable, Equatable {
    case org
    case scope
  }

  /// The outcome of a key update (U5).
  public struct KeyUpdate: Sendable, Equatable {
    public var changed: Bool
    public var previousKeys: UnifyKeySet
    public var scope: UnifyScope
  }

  /// Applies U4 and U5: an org-level update of a connected scope is refused; an equal key set
  /// (order ignored) changes nothing; otherwise keys and version move forward.
  public mutating func updateKeys(
    _ newKeys: UnifyKeySet, target: UpdateTarget, expectedSettingsVersion: Int64 = 0, now: Instant
  ) throws(DomainError) -> KeyUpdate {
    if target == .org && isConnected {
      throw .failedPrecondition("CDH_ALREADY_CONNECTED: change unify keys at scope level")
    }
    if expectedSettingsVersion != 0 && expectedSettingsVersion != settingsVersion {
      throw .failedPrecondition(
        "settings version mismatch", field: "expected_settings_version")
    }
    let previous = keys
    if newKeys.sameSet(as: keys) {
      return KeyUpdate(changed: false, previousKeys: previous, scope: self)
    }
    keys = newKeys
    settingsVersion += 1
    updatedAt = now
    return KeyUpdate(changed: true, previousKeys: previous, scope: self)
  }
}
