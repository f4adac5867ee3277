/// A re-unification job in progress (U18 step 4, U20): the components the new key set
/// produces that differ from the current profiles, grouped into units that a batch applies
/// whole.
///
/// A unit is a set of new components that share an old profile: regrouping needs every
/// member of each involved old profile, so a unit is never cut between two batches. Between
/// batches the engine is consistent (every profile is a component under either the old or
/// the new grouping), other operations may run, and the job can stop (U20).
public struct ReunifyRun: Sendable {
  public let scopeIDs: [Int64]
  /// Live entities of the scopes when the run began.
  public let totalEntities: Int
  /// Entities of the units applied so far (all of them once finished).
  public internal(set) var processedEntities = 0
  /// Members whose membership changed so far (U18 "influenced").
  public internal(set) var influencedEntities = 0
  /// Batches applied so far.
  public internal(set) var batchesApplied = 0
  /// Most entities one batch applies (a unit larger than this is applied alone).
  public let batchSize: Int
  /// The owner's ``UnificationEngine/operationCount`` after the run's last step: a batch
  /// that finds a different count (something else ran in between) sets ``revalidating``.
  public var lastOperation: UInt64 = 0
  /// Something else changed the engine since the plan: the planned units may be stale, so
  /// every batch from then on revalidates its units (not only the first one after the change).
  public var revalidating = false
  /// Profile messages the owner published for this run (job progress).
  public var publishedMessages = 0
  var units: [[[MemberRef]]]
  var nextUnit = 0
  /// Profiles that already matched a new component (re-broadcast only with `broadcastAll`).
  let unchangedIDs: [Int64]

  /// Whether every unit has been applied.
  public var isFinished: Bool { nextUnit >= units.count && batchesApplied > 0 }

  /// Units still to apply.
  public var remainingUnits: Int { units.count - nextUnit }
}

extension UnificationEngine {
  /// U18 steps 1–3: applies each scope's stored keys to its graph, computes every component
  /// with union-find and keeps those that differ from the current profiles, grouped into
  /// units. From here on real-time changes of these scopes are computed with the new keys
  /// (``closedComponents(around:removed:)`` keeps them consistent with the not yet
  /// regrouped profiles).
  public mutating func beginReunify(scopeIDs: [Int64], batchSize: Int = .max) -> ReunifyRun {
    var changed: [[MemberRef]] = []
    var unchangedIDs: [Int64] = []
    var total = 0
    for scopeID in scopeIDs {
      guard graphs[scopeID] != nil, let scope = scopes[scopeID] else { continue }
      graphs[scopeID]!.keys = scope.keys.attributes
      for component in graphs[scopeID]!.allComponents() {
        total += component.count
        if let id = profileOf[component[0]], let profile = profiles[id],
          profile.members == component
        {
          unchangedIDs.append(id)
        } else {
          changed.append(component)
        }
      }
    }
    return ReunifyRun(
      scopeIDs: scopeIDs, totalEntities: total, batchSize: max(1, batchSize),
      units: Self.units(of: changed, profileOf: profileOf), unchangedIDs: unchangedIDs)
  }

  /// U6: a profile the run leaves as it is (its members already form one component) takes
  /// the scope its members now belong to, when a scope change moved all of them.
  public mutating func adoptScopes(of run: ReunifyRun) -> EngineChanges {
    var changes = EngineChanges()
    for id in run.unchangedIDs {
      guard var profile = profiles[id], let first = profile.members.first,
        let scopeID = entities[first]?.scopeID, scopeID != profile.scopeID
      else { continue }
      profile.scopeID = scopeID
      profiles[id] = profile
      changes.profileWrites.insert(id)
    }
    return changes
  }

  /// Groups components that share an old profile (union-find over component indices).
  static func units(of components: [[MemberRef]], profileOf: [MemberRef: Int64])
    -> [[[MemberRef]]]
  {
    var parent = Array(components.indices)
    func find(_ start: Int) -> Int {
      var root = start
      while parent[root] != root { root = parent[root] }
      var node = start
      while parent[node] != root {
        let next = parent[node]
        parent[node] = root
        node = next
      }
      return root
    }
    var owner: [Int64: Int] = [:]
    for (index, component) in components.enumerated() {
      for member in component {
        guard let id = profileOf[member] else { continue }
        if let other = owner[id] {
          let (a, b) = (find(index), find(other))
          if a != b { parent[max(a, b)] = min(a, b) }
        } else {
          owner[id] = index
        }
      }
    }
    var unitOf: [Int: Int] = [:]
    var units: [[[MemberRef]]] = []
    for index in components.indices {
      let root = find(index)
      if let unit = unitOf[root] {
        units[unit].append(components[index])
      } else {
        unitOf[root] = units.count
        units.append([components[index]])
      }
    }
    return units
  }

  /// U18 step 4–5: applies the next batch of units (profile ids, U26, U36, audit) and
  /// enqueues the profiles with influenced members. With `revalidate` (something else changed
  /// the engine since the previous batch) each unit's components are recomputed from the
  /// current graph and profiles instead of trusting the plan. The last batch also
  /// re-broadcasts the unchanged profiles when `broadcastAll` is set.
  public mutating func applyNextBatch(
    of run: inout ReunifyRun, revalidate: Bool, broadcastAll: Bool = false,
    type: ProfileBroadcastType, actor: Actor = .system, correlationID: String, now: Instant
  ) -> EngineChanges {
    var changes = EngineChanges()
    var components: [[MemberRef]] = []
    var entityCount = 0
    while run.nextUnit < run.units.count {
      let unit = run.units[run.nextUnit]
      let size = unit.reduce(0) { $0 + $1.count }
      if entityCount > 0 && entityCount + size > run.batchSize { break }
      components.append(contentsOf: unit)
      entityCount += size
      run.nextUnit += 1
    }
    if revalidate && !components.isEmpty {
      components = closedComponents(around: components.flatMap { $0 })
    }
    let cause = RegroupCause(type: type, actor: actor, correlationID: correlationID)
    if !components.isEmpty {
      let outcome = regroup(components: components, cause: cause, now: now, changes: &changes)
      publish(outcome.profileIDs, outcome: outcome, cause: cause, now: now, changes: &changes)
    }
    run.batchesApplied += 1
    run.influencedEntities += changes.influencedMembers
    run.processedEntities += entityCount
    if run.isFinished {
      if broadcastAll {
        publish(run.unchangedIDs, force: true, cause: cause, now: now, changes: &changes)
      }
      run.processedEntities = run.totalEntities
    }
    return changes
  }

  /// The connected components around `seeds` closed under old-profile membership: every
  /// component found brings in the members of its members' current profiles, until nothing
  /// new is reached. Regrouping the result touches only whole old profiles, also while a
  /// job has applied new keys to the graph but not yet regrouped every profile.
  func closedComponents(around seeds: [MemberRef], removed: Set<MemberRef> = [])
    -> [[MemberRef]]
  {
    var covered = Set<MemberRef>()
    var queued = Set<MemberRef>()
    var frontier: [MemberRef] = []
    func enqueue(_ member: MemberRef) {
      guard !removed.contains(member), !covered.contains(member) else { return }
      if queued.insert(member).inserted { frontier.append(member) }
    }
    func enqueueProfileMates(of member: MemberRef) {
      guard let id = profileOf[member], let profile = profiles[id] else { return }
      for other in profile.members { enqueue(other) }
    }
    for seed in seeds {
      enqueue(seed)
      enqueueProfileMates(of: seed)
    }
    var result: [[MemberRef]] = []
    while !frontier.isEmpty {
      let current = frontier
      frontier = []
      var byScope: [Int64: [MemberRef]] = [:]
      for member in current where !covered.contains(member) {
        guard let scopeID = entities[member]?.scopeID else { continue }
        byScope[scopeID, default: []].append(member)
      }
      for (scopeID, scopeSeeds) in byScope.sorted(by: { $0.key < $1.key }) {
        guard let graph = graphs[scopeID] else { continue }
        let fresh = scopeSeeds.filter { !covered.contains($0) }
        for component in graph.components(containing: fresh) {
          for member in component { covered.insert(member) }
          result.append(component)
          for member in component { enqueueProfileMates(of: member) }
        }
      }
    }
    return result
  }
}
