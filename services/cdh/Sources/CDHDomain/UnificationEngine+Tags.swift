extension UnificationEngine {
  /// U36: every member of a merged component gets each attached tag of the others that it
  /// lacks, as an inherited attachment with the original attach time; a non-inherited
  /// attachment is never downgraded. Publishes `member.tag.update` items with
  /// `inherited = true`.
  mutating func inheritTags(
    component: [MemberRef], profileID: Int64, now: Instant, changes: inout EngineChanges
  ) {
    var union: [TagKey: TagAttachment] = [:]
    for member in component {
      guard let entity = entities[member], !entity.isDeleted else { continue }
      for attachment in entity.tags.values where attachment.isAttached {
        if deletedTags[entity.org]?.contains(attachment.tag) == true { continue }
        if let existing = union[attachment.tag] {
          // The original attachment is the earliest non-inherited one.
          if existing.inherited && !attachment.inherited
            || existing.inherited == attachment.inherited
              && attachment.attachedAt < existing.attachedAt
          {
            union[attachment.tag] = attachment
          }
        } else {
          union[attachment.tag] = attachment
        }
      }
    }
    guard !union.isEmpty else { return }
    for (tag, original) in union.sorted(by: { $0.key < $1.key }) {
      var receivers: [MemberRef] = []
      for member in component {
        guard var entity = entities[member], !entity.isDeleted else { continue }
        if entity.tags[tag]?.isAttached == true { continue }
        if deletedTags[entity.org]?.contains(tag) == true { continue }
        entity.tags[tag] = TagAttachment(
          tag: tag, name: original.name, isAttached: true, origin: .inherited,
          attachedAt: original.attachedAt, sourceTimestamp: now)
        entities[member] = entity
        changes.wroteTag(tag, of: member)
        receivers.append(member)
        changes.audit.append(
          auditEntry(
            .tagChanged, member: member, profileID: profileID, attribute: "tag:\(tag.id)",
            newValue: "inherited",
            cause: RegroupCause(
              type: .channelEntityProfileUpdate, actor: .system, correlationID: "unification"),
            now: now, occurredAt: now, details: ["tag_name": original.name, "action": "add"]))
      }
      guard !receivers.isEmpty else { continue }
      changes.tagItems.append(
        TagBroadcastItem(
          profileID: profileID, scopeID: entities[component[0]]?.scopeID ?? 0,
          version: sequences.version(), members: receivers,
          tags: [
            PropagatedTag(
              tag: tag, name: original.name, action: .add, inherited: true,
              createdAt: original.attachedAt)
          ], timestamp: now, type: .unificationInherit))
    }
  }

  /// Applies one association change from the tag manager (U34, U35, U43 staleness, T22 echo
  /// skipping, U38 deleted tags).
  public mutating func apply(_ event: TagEvent, now: Instant) -> EngineChanges {
    var changes = EngineChanges()
    guard !event.isEcho else {
      changes.echoChanges += 1
      return changes
    }
    guard deletedTags[event.org]?.contains(event.tag) != true,
      var entity = liveEntity(event.member)
    else { return changes }
    if let existing = entity.tags[event.tag], existing.sourceTimestamp > event.occurredAt {
      changes.staleChanges += 1
      return changes
    }
    let cause = RegroupCause(
      type: .channelEntityProfileUpdate, actor: Actor(type: "service", id: "tags"),
      correlationID: String(event.eventID))
    let previous = entity.tags[event.tag]
    let attachedAt =
      previous?.isAttached == true && previous?.inherited == false
      ? previous!.attachedAt : event.occurredAt
    entity.tags[event.tag] = TagAttachment(
      tag: event.tag, name: event.tagName, isAttached: event.isAttached, origin: .own,
      attachedAt: attachedAt, sourceTimestamp: event.occurredAt)
    entities[event.member] = entity
    changes.wroteTag(event.tag, of: event.member)
    let profile = profile(of: event.member)
    changes.audit.append(
      auditEntry(
        .tagChanged, member: event.member, profileID: profile?.id, attribute: "tag:\(event.tag.id)",
        previousValue: previous.map { $0.isAttached ? "attached" : "detached" },
        newValue: event.isAttached ? "attached" : "detached", cause: cause, now: now,
        occurredAt: event.occurredAt, details: ["tag_name": event.tagName]))
    // U35: a multi-member profile propagates the change to every member as a normal tag.
    guard let profile, profile.members.count > 1 else { return changes }
    for member in profile.members where member != event.member {
      guard var other = entities[member], !other.isDeleted else { continue }
      let current = other.tags[event.tag]
      if event.isAttached {
        if current?.isAttached == true && current?.inherited == false { continue }
        other.tags[event.tag] = TagAttachment(
          tag: event.tag, name: event.tagName, isAttached: true, origin: .propagated,
          attachedAt: event.occurredAt, sourceTimestamp: event.occurredAt)
      } else {
        // O22: a detach removes the tag from every member, inherited copies included.
        guard let current, current.isAttached else { continue }
        var detached = current
        detached.isAttached = false
        detached.sourceTimestamp = event.occurredAt
        other.tags[event.tag] = detached
      }
      entities[member] = other
      changes.wroteTag(event.tag, of: member)
      changes.audit.append(
        auditEntry(
          .tagChanged, member: member, profileID: profile.id, attribute: "tag:\(event.tag.id)",
          newValue: event.isAttached ? "attached" : "detached", cause: cause, now: now,
          occurredAt: event.occurredAt, details: ["tag_name": event.tagName, "propagated": "true"]))
    }
    changes.tagItems.append(
      TagBroadcastItem(
        profileID: profile.id, scopeID: profile.scopeID, version: sequences.version(),
        members: profile.members,
        tags: [
          PropagatedTag(
            tag: event.tag, name: event.tagName, action: event.isAttached ? .add : .delete,
            inherited: false, createdAt: attachedAt)
        ], timestamp: now, type: .memberTagUpdate))
    return changes
  }

  /// U38: the tag manager deleted a tag definition; every attachment of it in the org goes
  /// and it is never propagated again.
  public mutating func deleteTag(_ tag: TagKey, org: OrgRef, now: Instant) -> EngineChanges {
    var changes = EngineChanges()
    deletedTags[org, default: []].insert(tag)
    for (member, entity) in entities where entity.org == org && entity.tags[tag] != nil {
      entities[member]?.tags[tag] = nil
      changes.wroteTag(tag, of: member)
    }
    return changes
  }

  /// U34: the tags of a member's profile as seen from that member's rows.
  public func profileTags(of member: MemberRef, includeDetached: Bool = false) -> [TagAttachment]? {
    guard let entity = liveEntity(member), let profile = profile(of: member) else { return nil }
    var result: [TagKey: TagAttachment] = [:]
    for other in profile.members {
      guard let holder = entities[other] else { continue }
      for attachment in holder.tags.values where attachment.isAttached || includeDetached {
        if deletedTags[holder.org]?.contains(attachment.tag) == true { continue }
        if other == member || result[attachment.tag] == nil { result[attachment.tag] = attachment }
      }
    }
    // The requested member's own row wins (U34: its inherited flag and timestamps).
    for attachment in entity.tags.values where attachment.isAttached || includeDetached {
      result[attachment.tag] = attachment
    }
    return result.values.sorted { $0.tag < $1.tag }
  }
}
