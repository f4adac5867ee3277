extension UnificationEngine {
  /// Replaces the grouping of the members in `components` (a partition of every member of
  /// the involved old profiles that is still in the graph) and takes `removed` members out
  /// of their profiles. Applies U17 ids, U26 materialisation, U36 inherited tags, writes
  /// `unification_changed` audit entries and returns the resulting profile ids together with
  /// which of them changed membership.
  mutating func regroup(
    components: [[MemberRef]], removed: [MemberRef] = [], cause: RegroupCause, now: Instant,
    changes: inout EngineChanges
  ) -> RegroupOutcome {
    var outcome = RegroupOutcome()
    // Fast path: nothing moved.
    if removed.isEmpty {
      var unchanged = true
      for component in components {
        guard let id = profileOf[component[0]], let profile = profiles[id],
          profile.members == component
        else {
          unchanged = false
          break
        }
      }
      if unchanged {
        outcome.profileIDs = components.map { profileOf[$0[0]]! }
        return outcome
      }
    }

    let oldProfileOf: (MemberRef) -> ProfileIDAssigner.OldProfile? = { member in
      guard let id = profileOf[member], let profile = profiles[id] else { return nil }
      return ProfileIDAssigner.OldProfile(id: id, createdAt: profile.createdAt)
    }
    let assignment = ProfileIDAssigner.assign(components: components, oldProfile: oldProfileOf)

    // Where each old profile's members went (U26: a profile spread over several components
    // or losing removed members is split).
    var componentOf: [MemberRef: Int] = [:]
    for (index, component) in components.enumerated() {
      for member in component { componentOf[member] = index }
    }
    var involved = Set<Int64>()
    for member in componentOf.keys { if let id = profileOf[member] { involved.insert(id) } }
    for member in removed { if let id = profileOf[member] { involved.insert(id) } }
    var materialised: [MemberRef: [String]] = [:]
    for id in involved.sorted() {
      guard let profile = profiles[id] else { continue }
      // Split iff its members now sit in more than one component or some were removed.
      var first: Int?
      var split = false
      for member in profile.members {
        let destination = componentOf[member] ?? -1
        if destination == -1 || (first != nil && first != destination) {
          split = true
          break
        }
        first = destination
      }
      if split {
        for (member, fields) in materialise(profileMembers: profile.members, changes: &changes) {
          materialised[member, default: []].append(contentsOf: fields)
        }
      }
    }

    // Assign ids and rebuild profiles.
    var absorbedInto: [Int64: [Int64]] = [:]
    for (absorbed, survivor) in assignment.mergedInto {
      absorbedInto[survivor, default: []].append(absorbed)
    }
    var previousMembers: [Int64: [MemberRef]] = [:]
    for id in involved { previousMembers[id] = profiles[id]?.members ?? [] }
    var kept = Set<Int64>()
    var newProfiles: [(Int64, [MemberRef], Bool)] = []
    for (index, component) in components.enumerated() {
      let id = assignment.keptIDs[index] ?? sequences.profileID()
      kept.insert(id)
      let before = previousMembers[id] ?? []
      newProfiles.append((id, component, before != component))
    }
    for id in involved where !kept.contains(id) {
      let survivor = assignment.mergedInto[id]
      profiles[id] = nil
      retired[id] = .some(survivor)
      changes.profileWrites.insert(id)
    }

    // U36: components joining several previous groups hand down inherited tags (applied
    // once the ids are known).
    var joining: [Int] = []
    for (index, component) in components.enumerated() {
      var groups = Set<Int64>()
      var newcomers = 0
      for member in component {
        if let id = profileOf[member] { groups.insert(id) } else { newcomers += 1 }
      }
      if groups.count + newcomers > 1 { joining.append(index) }
    }
    let idOfComponent = newProfiles.map(\.0)

    var beforeTexts: [Int64: String] = [:]
    for (id, component, membershipChanged) in newProfiles {
      let scopeID = entities[component[0]]?.scopeID ?? 0
      let createdAt = profiles[id]?.createdAt ?? now
      var profile =
        profiles[id]
        ?? ProfileState(id: id, scopeID: scopeID, createdAt: createdAt, members: component)
      profile.scopeID = scopeID
      profile.members = component
      if membershipChanged { profile.unificationUpdatedAt = now }
      profiles[id] = profile
      retired[id] = nil
      changes.profileWrites.insert(id)
      let before = previousMembers[id] ?? []
      var afterText: String?
      var componentDetails: [Int64: [String: String]] = [:]
      for member in component {
        let oldID = profileOf[member]
        let oldMembers = oldID.flatMap { previousMembers[$0] } ?? []
        let influenced = oldMembers != component
        if oldID != id || influenced {
          profileOf[member] = id
          changes.membershipWrites.insert(member)
          if var entity = entities[member] {
            entity.unificationUpdatedAt = now
            entities[member] = entity
          }
        }
        if influenced {
          changes.influencedMembers += 1
          if afterText == nil { afterText = Self.describe(component) }
          // One details dictionary per (old profile, component), shared copy-on-write.
          let detailsKey = oldID ?? -1
          var details: [String: String]
          if let shared = componentDetails[detailsKey] {
            details = shared
          } else {
            details = [
              "members_before": oldID.map { describeCache(&beforeTexts, $0, oldMembers) } ?? "",
              "members_after": afterText!,
            ]
            componentDetails[detailsKey] = details
          }
          if let fields = materialised[member] {
            details["materialised_fields"] = fields.sorted().joined(separator: ",")
          }
          changes.audit.append(
            auditEntry(
              .unificationChanged, member: member, profileID: id, previousProfileID: oldID,
              cause: cause, now: now, occurredAt: now, details: details))
        }
      }
      outcome.profileIDs.append(id)
      if membershipChanged || !(absorbedInto[id] ?? []).isEmpty {
        outcome.membershipChanged.insert(id)
      }
      let left = before.filter { member in
        componentOf[member].map { idOfComponent[$0] != id } ?? true
      }
      if !left.isEmpty { outcome.left[id] = left }
      if let absorbed = absorbedInto[id] { outcome.absorbed[id] = absorbed.sorted() }
    }
    for index in joining {
      inheritTags(
        component: components[index], profileID: idOfComponent[index], now: now,
        changes: &changes)
    }
    for member in removed {
      if let oldID = profileOf[member] {
        profileOf[member] = nil
        changes.membershipWrites.insert(member)
        changes.audit.append(
          auditEntry(
            .unificationChanged, member: member, profileID: nil, previousProfileID: oldID,
            cause: cause, now: now, occurredAt: now,
            details: [
              "members_before": (previousMembers[oldID] ?? []).map(\.description).joined(
                separator: ",")
            ]))
      }
    }
    return outcome
  }

  static func describe(_ members: [MemberRef]) -> String {
    members.map(\.description).joined(separator: ",")
  }

  func describeCache(_ cache: inout [Int64: String], _ id: Int64, _ members: [MemberRef]) -> String
  {
    if let text = cache[id] { return text }
    let text = Self.describe(members)
    cache[id] = text
    return text
  }

  /// Recomputes the merged view of `profileIDs` and enqueues one `contact.update` item for
  /// every profile whose member list or view changed, or that must be re-synced (U15 step 5,
  /// U42 no-op suppression).
  mutating func publish(
    _ profileIDs: [Int64], outcome: RegroupOutcome = RegroupOutcome(), resync: Set<Int64> = [],
    force: Bool = false, cause: RegroupCause, now: Instant, changes: inout EngineChanges
  ) {
    var seen = Set<Int64>()
    for id in profileIDs where seen.insert(id).inserted {
      guard var profile = profiles[id] else { continue }
      let memberEntities = members(profile.members)
      let view = ProfileCoalescer.view(of: memberEntities)
      let changed =
        force || !view.publishesSame(as: profile.view) || outcome.membershipChanged.contains(id)
        || resync.contains(id)
      if view != profile.view { changes.profileWrites.insert(id) }
      profile.view = view
      guard changed else {
        profiles[id] = profile
        continue
      }
      let version = sequences.version()
      profile.version = version
      profiles[id] = profile
      changes.profileWrites.insert(id)
      for member in profile.members {
        entities[member]?.version = version
        changes.versionWrites.insert(member)
      }
      changes.profileItems.append(
        ProfileBroadcastItem(
          profileID: id, scopeID: profile.scopeID, version: version,
          previousProfileIDs: outcome.absorbed[id] ?? [], view: view, members: profile.members,
          leftMembers: outcome.left[id] ?? [], unificationUpdatedAt: profile.unificationUpdatedAt,
          timestamp: now, type: cause.type,
          clears: ProfileCoalescer.clears(of: memberEntities, view: view)))
    }
  }

  /// Gives a brand-new entity its singleton profile (U17 first bullet).
  mutating func makeSingleton(_ member: MemberRef, now: Instant, changes: inout EngineChanges)
    -> Int64
  {
    let id = sequences.profileID()
    let scopeID = entities[member]?.scopeID ?? 0
    profiles[id] = ProfileState(id: id, scopeID: scopeID, createdAt: now, members: [member])
    profileOf[member] = id
    entities[member]?.unificationUpdatedAt = now
    changes.profileWrites.insert(id)
    changes.membershipWrites.insert(member)
    return id
  }

  func auditEntry(
    _ type: AuditEventType, member: MemberRef?, profileID: Int64?, previousProfileID: Int64? = nil,
    attribute: String? = nil, previousValue: String? = nil, newValue: String? = nil,
    cause: RegroupCause, now: Instant, occurredAt: Instant, details: [String: String] = [:]
  ) -> AuditEntry {
    let entity = member.flatMap { entities[$0] }
    return AuditEntry(
      eventType: type, occurredAt: occurredAt, recordedAt: now, scopeID: entity?.scopeID ?? 0,
      org: entity?.org, member: member, lineUID: entity?.value("line_uid"),
      channelID: entity?.channelID, profileID: profileID, previousProfileID: previousProfileID,
      attribute: attribute, previousValue: previousValue, newValue: newValue, actor: cause.actor,
      correlationID: cause.correlationID, details: details)
  }
}

/// The result of a regrouping: resulting profiles and what changed about them.
struct RegroupOutcome: Sendable {
  var profileIDs: [Int64] = []
  var membershipChanged: Set<Int64> = []
  /// Profile → members that left it.
  var left: [Int64: [MemberRef]] = [:]
  /// Survivor → profiles merged into it.
  var absorbed: [Int64: [Int64]] = [:]
}
