/// Which value a contact's shown name comes from (C45).
public enum NameSource: String, Hashable, Sendable, Codable {
  case displayName = "display_name"
  case originalName = "original_name"
  case placeholderSyncing = "placeholder_syncing"
  case placeholderUnnamed = "placeholder_unnamed"
}

/// The name a contact shows and where it comes from (C45).
public struct ResolvedName: Hashable, Sendable {
  public static let syncingPlaceholder = "Synchronizing"
  public static let unnamedPlaceholder = "Unnamed Contact"

  public let name: String
  public let source: NameSource

  public init(name: String, source: NameSource) {
    self.name = name
    self.source = source
  }

  /// display name, else original name, else "Synchronizing" while the profile is being
  /// fetched, else "Unnamed Contact".
  public static func resolve(displayName: String?, originalName: String?, syncState: NameSyncState)
    -> ResolvedName
  {
    if let displayName, !displayName.isEmpty {
      return ResolvedName(name: displayName, source: .displayName)
    }
    if let originalName, !originalName.isEmpty {
      return ResolvedName(name: originalName, source: .originalName)
    }
    if syncState == .syncing {
      return ResolvedName(name: syncingPlaceholder, source: .placeholderSyncing)
    }
    return ResolvedName(name: unnamedPlaceholder, source: .placeholderUnnamed)
  }
}
