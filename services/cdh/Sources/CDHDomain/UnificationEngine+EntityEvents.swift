extension UnificationEngine {
  /// Real-time processing of one contact event (U15, U16, U42, U43).
  public mutating func apply(_ event: EntityEvent, now: Instant) -> EngineChanges {
    var changes = EngineChanges()
    // U42: writes contacts made because of a CDH broadcast are our own echo.
    guard event.origin != .cdh else {
      changes.echoChanges += max(1, event.changes.count)
      return changes
    }
    let cause = RegroupCause(
      type: event.kind == .deleted ? .entityDeleted : .channelEntityProfileUpdate,
      actor: Actor(type: event.origin.rawValue, id: event.actor),
      correlationID: String(event.eventID))
    if event.kind == .deleted {
      deleteEntity(event.member, at: event.occurredAt, cause: cause, now: now, changes: &changes)
      return changes
    }
    var isNew = false
    if let existing = entities[event.member] {
      // U16: a deleted entity receives no further events.
      if existing.isDeleted { return changes }
    } else {
      let scopeID = ensureScope(for: event.org, now: now)
      entities[event.member] = ChannelEntity(member: event.member, org: event.org, scopeID: scopeID)
      indexEntity(event.member)
      changes.entityWrites.insert(event.member)
      isNew = true
    }
    if let state = event.state, var entity = entities[event.member] {
      let before = entity
      entity.channelType = state.channelType
      entity.channelID = state.channelID ?? entity.channelID
      entity.reachable = state.reachable
      entity.entityCreatedAt = state.createdAt ?? entity.entityCreatedAt
      if entity != before {
        entities[event.member] = entity
        changes.entityWrites.insert(event.member)
      }
    }

    var graphChanged = isNew
    var appliedFields: [String] = []
    var anyApplied = isNew || changes.entityWrites.contains(event.member)
    for change in event.changes {
      if change.origin == .cdh {
        changes.echoChanges += 1
        continue
      }
      guard ProfileField.level(of: change.attribute) != nil else { continue }  // unknown: ignored
      let existing = entities[event.member]?.attributes[change.attribute]
      if let existing {
        // U43: older than what we hold, or the same event again.
        if existing.sourceTimestamp > change.sourceTimestamp {
          changes.staleChanges += 1
          continue
        }
        if existing.lastEventID == event.eventID
          && existing.sourceTimestamp == change.sourceTimestamp
        {
          continue
        }
      }
      if change.attribute == "reachable" {
        entities[event.member]?.reachable = change.newValue == "true"
        changes.entityWrites.insert(event.member)
      }
      let value = AttributeValue(
        value: change.newValue, sourceTimestamp: change.sourceTimestamp, arrivedTimestamp: now,
        origin: change.origin, lastEventID: event.eventID)
      let (valueChanged, edgeChanged) = write(
        change.attribute, value, of: event.member, changes: &changes)
      anyApplied = true
      appliedFields.append(change.attribute)
      if edgeChanged { graphChanged = true }
      if valueChanged {
        changes.audit.append(
          auditEntry(
            .attributeChanged, member: event.member, profileID: profileOf[event.member],
            attribute: change.attribute, previousValue: existing?.value, newValue: value.value,
            cause: cause, now: now, occurredAt: change.sourceTimestamp))
      }
    }
    guard anyApplied else { return changes }
    var outcome = RegroupOutcome()
    if graphChanged {
      outcome = regroupAround([event.member], cause: cause, now: now, changes: &changes)
    }
    guard let profile = profile(of: event.member) else { return changes }
    let view = ProfileCoalescer.view(of: members(profile.members))
    let resync: Set<Int64> =
      holdsDifferentValue(event.member, fields: appliedFields, view: view) ? [profile.id] : []
    let ids = graphChanged ? outcome.profileIDs : [profile.id]
    publish(ids, outcome: outcome, resync: resync, cause: cause, now: now, changes: &changes)
    return changes
  }

  /// Recomputes the components around `touched` members (their old profiles and everything
  /// they now link to, closed under old-profile membership) and regroups them:
  /// O(affected component).
  mutating func regroupAround(
    _ touched: [MemberRef], removed: [MemberRef] = [], cause: RegroupCause, now: Instant,
    changes: inout EngineChanges
  ) -> RegroupOutcome {
    let components = closedComponents(around: touched + removed, removed: Set(removed))
    return regroup(
      components: components, removed: removed, cause: cause, now: now, changes: &changes)
  }

  /// U16: marks the entity deleted, removes its edges and membership and regroups the
  /// remaining members (which may split, with U26 materialisation).
  mutating func deleteEntity(
    _ member: MemberRef, at deletedAt: Instant, cause: RegroupCause, now: Instant,
    changes: inout EngineChanges
  ) {
    guard var entity = entities[member], !entity.isDeleted else { return }
    entity.deletedAt = deletedAt
    entities[member] = entity
    changes.entityWrites.insert(member)
    graphs[entity.scopeID]?.remove(member)
    let outcome = regroupAround([], removed: [member], cause: cause, now: now, changes: &changes)
    publish(outcome.profileIDs, outcome: outcome, cause: cause, now: now, changes: &changes)
  }
}
