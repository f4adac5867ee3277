import Foundation

/// The other services and adapters contacts calls (§4.4), each behind its protocol. A
/// deployment without one gets the "unreachable" stand-in: filtered lists answer
/// `SEGMENT_UNAVAILABLE`, person-level writes `CDH_UNAVAILABLE`, and new LINE contacts start
/// without a name (`syncing`) — never a silent local shortcut.
public struct ContactsPeers: Sendable {
  /// Segment's filter evaluation (C64, C66, C67).
  public var filters: any FilterEvaluator
  /// CDH's person-level writes (C48, C69).
  public var profiles: any ProfileAuthority
  /// The LINE adapter's profile fetch (C56); `nil` = none configured (no name-sync worker).
  public var lineProfiles: (any LineProfileSource)?
  /// LINE profile budgets: a creating event's wait, and the name-sync worker's fetches and retries.
  public var lineNameSync: LineNameSyncWorker.Settings
  /// The tag manager imported tags are sent to (C26); `nil` = none configured: tag cells
  /// stay queued in `tag_command` until one is.
  public var tagManager: (any TagManagerClient)?
  /// Checks a LINE channel's credential before a LINE import (C33); `nil` = not checked.
  public var lineCredentials: (any LineCredentialVerifier)?

  public init(
    filters: any FilterEvaluator = UnreachableFilterEvaluator(),
    profiles: any ProfileAuthority = UnreachableProfileAuthority(),
    lineProfiles: (any LineProfileSource)? = nil,
    lineNameSync: LineNameSyncWorker.Settings = .init(),
    tagManager: (any TagManagerClient)? = nil,
    lineCredentials: (any LineCredentialVerifier)? = nil
  ) {
    self.filters = filters
    self.profiles = profiles
    self.lineProfiles = lineProfiles
    self.lineNameSync = lineNameSync
    self.tagManager = tagManager
    self.lineCredentials = lineCredentials
  }
}
