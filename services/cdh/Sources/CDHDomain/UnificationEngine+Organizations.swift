extension UnificationEngine {
  /// Admin center reported an organization (its `organization.updated`, cdh.md §5.3): the
  /// org's scope is provisioned if unseen (U1) and its uuid (for ConnectOrgs, U6), name and
  /// default country are kept current. A new default country changes how the org's phone
  /// numbers normalise (U12): its entities are re-indexed and regrouped.
  public mutating func updateOrganization(_ info: OrgInfo, now: Instant) -> EngineChanges {
    var changes = EngineChanges()
    let previous = orgScope[info.org] == nil ? nil : orgs[info.org]
    ensureScope(for: info.org, now: now, info: info)
    guard let previous, previous.defaultCountry != info.defaultCountry else { return changes }
    let members = entities.values.filter { $0.org == info.org && !$0.isDeleted }.map(\.member)
      .sorted()
    guard !members.isEmpty else { return changes }
    for member in members { indexEntity(member) }
    let cause = RegroupCause(
      type: .channelEntityProfileUpdate, actor: .system,
      correlationID: "organization:\(info.org.orgID)")
    let outcome = regroupAround(members, cause: cause, now: now, changes: &changes)
    publish(outcome.profileIDs, outcome: outcome, cause: cause, now: now, changes: &changes)
    return changes
  }
}
