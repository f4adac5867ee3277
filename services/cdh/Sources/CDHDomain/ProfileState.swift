/// A live unified profile (cdh.md §2.2 profile + unified_member).
public struct ProfileState: Sendable, Hashable, Codable {
  public var id: Int64
  public var scopeID: Int64
  public var createdAt: Instant
  /// Sorted by member.
  public var members: [MemberRef]
  /// The materialised merged view (§3.10).
  public var view: MergedProfileView
  /// Last published version.
  public var version: Int64
  public var unificationUpdatedAt: Instant

  public init(
    id: Int64, scopeID: Int64, createdAt: Instant, members: [MemberRef],
    view: MergedProfileView = MergedProfileView(), version: Int64 = 0,
    unificationUpdatedAt: Instant? = nil
  ) {
    self.id = id
    self.scopeID = scopeID
    self.createdAt = createdAt
    self.members = members
    self.view = view
    self.version = version
    self.unificationUpdatedAt = unificationUpdatedAt ?? createdAt
  }
}

/// Counters the engine draws identifiers from; storage seeds them from the database.
public struct IdentifierSequences: Sendable, Hashable, Codable {
  public var nextScopeID: Int64
  public var nextProfileID: Int64
  /// The global monotonic sequence of outbound item versions (U42).
  public var nextVersion: Int64

  public init(nextScopeID: Int64 = 1, nextProfileID: Int64 = 1, nextVersion: Int64 = 1) {
    self.nextScopeID = nextScopeID
    self.nextProfileID = nextProfileID
    self.nextVersion = nextVersion
  }

  mutating func scopeID() -> Int64 {
    defer { nextScopeID += 1 }
    return nextScopeID
  }

  mutating func profileID() -> Int64 {
    defer { nextProfileID += 1 }
    return nextProfileID
  }

  mutating func version() -> Int64 {
    defer { nextVersion += 1 }
    return nextVersion
  }
}
