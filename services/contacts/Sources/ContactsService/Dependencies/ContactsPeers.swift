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
  /// Retry pacing of the name-sync worker.
  public var lineNameSync: LineNameSyncWorker.Settings

  public init(
    filters: any FilterEvaluator = UnreachableFilterEvaluator(),
    profiles: any ProfileAuthority = UnreachableProfileAuthority(),
    lineProfiles: (any LineProfileSource)? = nil,
    lineNameSync: LineNameSyncWorker.Settings = .init()
  ) {
    self.filters = filters
    self.profiles = profiles
    self.lineProfiles = lineProfiles
    self.lineNameSync = lineNameSync
  }
}
