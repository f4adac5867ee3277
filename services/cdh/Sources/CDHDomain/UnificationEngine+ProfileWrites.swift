extension UnificationEngine {
  /// Validates a list of profile-level writes (U30, cdh.md §7 UpdateProfile rows) and returns
  /// the values as stored.
  public static func validateUpdates(
    _ updates: [ProfileFieldUpdate], country: String, field: String = "updates"
  ) throws(DomainError) -> [ProfileFieldUpdate] {
    guard !updates.isEmpty else { throw .invalidArgument(field: field, "no field updates given") }
    var seen = Set<String>()
    var result: [ProfileFieldUpdate] = []
    for (index, update) in updates.enumerated() {
      guard seen.insert(update.field).inserted else {
        throw .invalidArgument(
          field: "\(field)[\(index)].field", "duplicate field: \(update.field)")
      }
      switch ProfileField.validateProfileWrite(
        field: update.field, value: update.value, country: country)
      {
      case .success(let stored):
        result.append(ProfileFieldUpdate(field: update.field, value: stored))
      case .failure(.unknownField):
        throw .invalidArgument(
          field: "\(field)[\(index)].field", "unknown profile field: \(update.field)")
      case .failure(.notEditable):
        throw .invalidArgument(
          field: "\(field)[\(index)].field",
          "field is not editable at profile level: \(update.field)")
      case .failure(.invalidValue(let reason)):
        throw .invalidArgument(
          field: "\(field)[\(index)].set_value", "invalid value for \(update.field): \(reason)")
      }
    }
    return result
  }

  /// U27/U28: writes (or clears) contact-level fields on every member of the member's
  /// profile, then re-evaluates the graph (a new key value may merge) and publishes.
  public mutating func updateProfile(
    member: MemberRef, updates: [ProfileFieldUpdate], actor: Actor, correlationID: String,
    now: Instant
  ) throws(DomainError) -> EngineChanges {
    let entity = liveEntity(member)
    let validated = try Self.validateUpdates(
      updates, country: entity.map { country(of: $0.org) } ?? "TW")
    guard entity != nil, let profile = profile(of: member) else {
      throw .notFound("member not found", field: "member")
    }
    var changes = EngineChanges()
    let cause = RegroupCause(type: .profileUpdate, actor: actor, correlationID: correlationID)
    var graphChanged = false
    for target in profile.members {
      for update in validated {
        let previous = entities[target]?.attributes[update.field]?.value
        let value = AttributeValue(
          value: update.value, sourceTimestamp: now, arrivedTimestamp: now, origin: .profileUpdate)
        let (valueChanged, edgeChanged) = write(update.field, value, of: target, changes: &changes)
        if edgeChanged { graphChanged = true }
        if valueChanged {
          changes.audit.append(
            auditEntry(
              .profileUpdated, member: target, profileID: profile.id, attribute: update.field,
              previousValue: previous, newValue: update.value, cause: cause, now: now,
              occurredAt: now))
        }
      }
    }
    var outcome = RegroupOutcome()
    if graphChanged {
      outcome = regroupAround(profile.members, cause: cause, now: now, changes: &changes)
    }
    publish(
      graphChanged ? outcome.profileIDs : [profile.id], outcome: outcome, cause: cause, now: now,
      changes: &changes)
    return changes
  }

  /// The answer of an unmerge (U31).
  public struct UnmergeOutcome: Sendable, Equatable {
    public var clearedAttributes: [UnifyAttribute]
    public var profileID: Int64
    public var membersAfter: [MemberRef]
    /// Still linked, e.g. through `line_uid` in a multi-org scope (O19).
    public var stillUnified: Bool
  }

  /// U31: after U26 materialisation, clears `custom_id`, `connect_id`, `display_email` and
  /// `display_mobile` on that one entity (never `line_uid`); a lone member is refused (O18).
  public mutating func unmerge(
    member: MemberRef, actor: Actor, correlationID: String, now: Instant
  ) throws(DomainError) -> (UnmergeOutcome, EngineChanges) {
    guard liveEntity(member) != nil, let profile = profile(of: member) else {
      throw .notFound("member not found", field: "member")
    }
    guard profile.members.count > 1 else {
      throw .failedPrecondition("member is not unified with any other member", field: "member")
    }
    var changes = EngineChanges()
    let cause = RegroupCause(type: .unmerge, actor: actor, correlationID: correlationID)
    _ = materialise(profileMembers: profile.members, changes: &changes)
    var cleared: [UnifyAttribute] = []
    for attribute in UnifyAttribute.clearedByUnmerge {
      let previous = entities[member]?.attributes[attribute.rawValue]?.value
      guard previous != nil else { continue }
      let value = AttributeValue(
        value: nil, sourceTimestamp: now, arrivedTimestamp: now, origin: .user)
      _ = write(attribute.rawValue, value, of: member, changes: &changes)
      cleared.append(attribute)
      changes.audit.append(
        auditEntry(
          .unmerged, member: member, profileID: profile.id, attribute: attribute.rawValue,
          previousValue: previous, newValue: nil, cause: cause, now: now, occurredAt: now))
    }
    let outcome = regroupAround(profile.members, cause: cause, now: now, changes: &changes)
    publish(outcome.profileIDs, outcome: outcome, cause: cause, now: now, changes: &changes)
    let after = self.profile(of: member)
    return (
      UnmergeOutcome(
        clearedAttributes: cleared, profileID: after?.id ?? 0, membersAfter: after?.members ?? [],
        stillUnified: (after?.members.count ?? 0) > 1),
      changes
    )
  }
}
