/// Assigns profile ids to recomputed components (U17).
///
/// Every old profile has one heir: the new component holding most of its old members (tie:
/// the component containing the smallest member). A component inherits the oldest profile
/// (earliest `created_at`, then smallest id) among those whose heir it is; the other such
/// profiles are absorbed into it (`merged_into`). A component that is nobody's heir gets a
/// new id. This yields both halves of U17: the oldest id survives a merge, the larger part
/// keeps the id on a split.
public enum ProfileIDAssigner {
  /// What an old profile is known by: its id and creation time.
  public struct OldProfile: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Instant

    public init(id: Int64, createdAt: Instant) {
      self.id = id
      self.createdAt = createdAt
    }
  }

  public struct Assignment: Sendable, Equatable {
    /// Per component (same order as the input): the existing id it keeps, nil = new id.
    public var keptIDs: [Int64?]
    /// Absorbed profile → survivor.
    public var mergedInto: [Int64: Int64]
  }

  /// `components` are sorted member lists; `oldProfile(member)` gives a member's profile
  /// before the change (nil for a new entity).
  public static func assign(
    components: [[MemberRef]], oldProfile: (MemberRef) -> OldProfile?
  ) -> Assignment {
    // Per old profile, the component holding most of its members (tie: the component with
    // the smallest member). Counting per component keeps this O(N) overall.
    struct Best {
      var component: Int
      var count: Int
      var profile: OldProfile
    }
    var best: [Int64: Best] = [:]
    var local: [Int64: Int] = [:]
    var localProfiles: [Int64: OldProfile] = [:]
    for (index, component) in components.enumerated() {
      local.removeAll(keepingCapacity: true)
      localProfiles.removeAll(keepingCapacity: true)
      for member in component {
        guard let old = oldProfile(member) else { continue }
        local[old.id, default: 0] += 1
        localProfiles[old.id] = old
      }
      for (profileID, count) in local {
        if let current = best[profileID] {
          let better =
            count > current.count
            || (count == current.count && component[0] < components[current.component][0])
          if !better { continue }
        }
        best[profileID] = Best(component: index, count: count, profile: localProfiles[profileID]!)
      }
    }
    var candidates: [Int: [OldProfile]] = [:]
    for entry in best.values { candidates[entry.component, default: []].append(entry.profile) }
    var kept = [Int64?](repeating: nil, count: components.count)
    var mergedInto: [Int64: Int64] = [:]
    for (component, profiles) in candidates {
      let survivor = profiles.min {
        $0.createdAt != $1.createdAt ? $0.createdAt < $1.createdAt : $0.id < $1.id
      }!
      kept[component] = survivor.id
      for profile in profiles where profile.id != survivor.id {
        mergedInto[profile.id] = survivor.id
      }
    }
    return Assignment(keptIDs: kept, mergedInto: mergedInto)
  }
}
