import CDHDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit

extension CDHRuntime {
  // MARK: Inbound events (§5.3)

  /// Applies one contacts event inside the consumer's transaction (U15, U16, U42, U43).
  func applyContactEvent(
    _ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection
  )
    async throws
  {
    guard let event = try InboundEventTranslator.entityEvent(envelope) else { return }
    try await admit(envelope.organizationID)
    _ = try await perform(on: connection) { engine, now in
      ((), engine.apply(event, now: now), [])
    }
  }

  /// Applies one tags event inside the consumer's transaction (U35, U38).
  func applyTagEvent(_ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection)
    async throws
  {
    guard let change = try InboundEventTranslator.tagChange(envelope) else { return }
    try await admit(envelope.organizationID)
    switch change {
    case .association(let event):
      _ = try await perform(on: connection) { engine, now in ((), engine.apply(event, now: now), [])
      }
    case .deleted(let tag, let org):
      let store = self.store
      _ = try await perform(
        on: connection, { engine, now in ((), engine.deleteTag(tag, org: org, now: now), []) },
        extra: { connection, _ in try await store.saveDeletedTag(tag, org: org, on: connection) })
    }
  }

  /// Applies one admin center event inside the consumer's transaction (U1, U6, U12).
  func applyAdminEvent(_ envelope: Maac_Common_V1_EventEnvelope, on connection: PostgresConnection)
    async throws
  {
    guard let info = try InboundEventTranslator.organization(envelope) else { return }
    _ = try await perform(on: connection) { engine, now in
      ((), engine.updateOrganization(info, now: now), [])
    }
    // A created or re-enabled organization is admitted at once, not after the cache expires.
    options.organizationGate?.invalidate(info.org.orgID)
  }

  /// Refuses an organization admin center does not know (issue #9): the consumer retries,
  /// then parks the event as a dead letter; nothing is provisioned for it.
  func admit(_ organizationID: Int64) async throws {
    guard let gate = options.organizationGate else { return }
    try await gate.admit(organizationID)
  }

  // MARK: Access

  /// The scope of the caller's org (provisioned on first sight, U1) or a scope that contains
  /// it; another org's scope is NOT_FOUND.
  func resolveScope(_ scopeID: Int64, caller: OrgRef) async throws -> Int64 {
    if scopeID == 0 {
      if let known = engine.orgScope[caller] { return known }
      return try await perform { engine, now in
        (engine.ensureScope(for: caller, now: now), EngineChanges(), [])
      }
    }
    guard let scope = engine.scopes[scopeID], scope.orgs.contains(caller) else {
      throw ServiceError(.notFound, "unify scope not found", field: "unify_scope_id")
    }
    return scope.id
  }

  /// A live member visible to the caller: its scope contains the caller's org.
  func visibleMember(_ member: MemberRef, caller: OrgRef) throws -> ChannelEntity {
    guard let entity = engine.liveEntity(member),
      engine.scopes[entity.scopeID]?.orgs.contains(caller) == true
    else { throw ServiceError(.notFound, "member not found", field: "member") }
    return entity
  }

  // MARK: Settings and jobs (U2–U7, U18, U20)

  /// `UpdateUnifyKeys` (U2–U5, U20): stores the keys and starts a job (its id, 0 when
  /// nothing changed). `scopeID` 0 addresses the caller's own scope (org-level).
  public func updateKeys(
    caller: OrgRef, scopeID requested: Int64, keys: [UnifyKeySet.Requested],
    expectedVersion: Int64 = 0, actor: Actor
  ) async throws -> (UnifyScope.KeyUpdate, Int64) {
    let keySet: UnifyKeySet
    do { keySet = try UnifyKeySet.validate(keys) } catch let error as DomainError {
      throw ContractMapping.serviceError(error)
    }
    let scopeID = try await resolveScope(requested, caller: caller)
    let target: UnifyScope.UpdateTarget = requested == 0 ? .org : .scope
    let outbox = self.outbox
    let (value, run) = try await perform(
      { engine, now in
        let (update, changes) = try engine.updateKeys(
          scopeID: scopeID, keys: keySet, target: target, expectedSettingsVersion: expectedVersion,
          actor: actor, now: now)
        return ((update, update.changed ? Self.scopeSnapshot(engine) : [:]), changes, [])
      },
      extra: { connection, value in
        let (update, scopes) = value
        guard update.changed else { return EnqueuedRun(runID: 0, superseded: []) }
        let run = try await Self.enqueueRun(
          scopeIDs: [scopeID], scopes: scopes, trigger: .settingsChange,
          organizationID: caller.orgID, on: connection)
        try await outbox.append(
          Self.settingsEvent(
            update.scope, previousKeys: update.previousKeys, jobID: run.runID, actor: actor,
            organizationID: caller.orgID),
          on: connection)
        return run
      })
    let jobID = run.runID
    if jobID != 0 { launch(run) }
    return (value.0, jobID)
  }

  /// `cdh.unify_settings.v1` (U5, U6): a scope's settings after an effective change.
  static func settingsEvent(
    _ scope: UnifyScope, previousKeys: UnifyKeySet, jobID: Int64, actor: Actor,
    organizationID: Int64
  ) -> OutboundEvent {
    var event = Maac_Cdh_V1_UnifySettingsChanged()
    event.eventID = jobID
    event.occurredAt = ContractMapping.timestamp(scope.updatedAt)
    event.unifyScopeID = scope.id
    event.orgs = scope.orgs.map { org in
      .with {
        $0.orgID = org.orgID
        $0.source = ContractMapping.tagSource(org.source)
      }
    }
    event.unifyKeys = ContractMapping.keys(scope.keys)
    event.previousUnifyKeys = ContractMapping.keys(previousKeys)
    event.settingsVersion = scope.settingsVersion
    event.jobID = jobID
    event.actor = .with {
      $0.type = actor.type
      $0.id = actor.id
    }
    return OutboundEvent(
      eventType: OutboundEventBuilder.unifySettingsType, organizationID: organizationID,
      payload: event)
  }
}
