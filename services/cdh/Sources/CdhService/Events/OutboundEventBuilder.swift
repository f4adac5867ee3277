import CDHDomain
import Foundation
import MAACContracts
import ServiceKit

/// Builds CDH's published events (cdh.md §5.2) from engine output.
enum OutboundEventBuilder {
  static let contactProfileType = "cdh.contact_profile.v1"
  static let memberTagType = "cdh.member_tag.v1"
  static let unifySettingsType = "cdh.unify_settings.v1"
  static let reunifyJobType = "cdh.reunify_job.v1"
  static let importTaskType = "cdh.import_task.v1"

  static func item(_ item: ProfileBroadcastItem) -> Maac_Cdh_V1_ContactProfileItem {
    .with {
      $0.topic = "contact.update"
      $0.timestamp = ContractMapping.timestamp(item.timestamp)
      $0.version = item.version
      $0.profileID = item.profileID
      $0.previousProfileIds = item.previousProfileIDs
      $0.profile = .with { profile in
        profile.fields = ContractMapping.contactFields(item.view)
        profile.effectiveDisplayName = item.view.effectiveDisplayName ?? ""
        profile.memberStatus = item.view.memberStatus
        profile.contactStatus = item.view.anyReachable ? .active : .inactive
      }
      $0.unifiedChannelEntities = item.members.map(ContractMapping.memberRef)
      $0.leftChannelEntities = item.leftMembers.map(ContractMapping.memberRef)
      $0.provenance = ContractMapping.provenance(item.view, clears: item.clears)
      $0.unificationUpdatedAt = ContractMapping.timestamp(item.unificationUpdatedAt)
    }
  }

  /// `cdh.contact_profile.v1` messages of at most 500 items (U18). Real-time messages carry
  /// `is_last_batch = true`; `jobID` marks job messages. A job's final batch
  /// (`finalJobBatch`) always ends with a last message, even an empty one; earlier batches
  /// never mark one.
  static func profileEvents(
    _ items: [ProfileBroadcastItem], engine: UnificationEngine, now: Instant, jobID: Int64? = nil,
    taskID: Int64? = nil, scopeID: Int64? = nil, type: ProfileBroadcastType? = nil,
    finalJobBatch: Bool = true
  ) -> [OutboundEvent] {
    if items.isEmpty && (jobID == nil || !finalJobBatch) { return [] }
    var events: [OutboundEvent] = []
    for batch in BroadcastBatcher.batches(items) {
      let first = batch.items.first
      let scope = first?.scopeID ?? scopeID ?? 0
      let orgs = engine.scopes[scope]?.orgs ?? []
      var message = Maac_Cdh_V1_ContactProfileChanged()
      message.eventID = first?.version ?? 0
      message.publishedAt = ContractMapping.timestamp(now)
      message.schemaVersion = 1
      message.metadata = .with {
        $0.type = ContractMapping.broadcastType(first?.type ?? type ?? .unifyScopeSettingUpdate)
        $0.unifyScopeID = scope
        $0.orgs = orgs.map { org in
          .with {
            $0.orgID = org.orgID
            $0.source = ContractMapping.tagSource(org.source)
          }
        }
        $0.jobID = jobID ?? 0
        if let taskID { $0.taskID = taskID }
        $0.isLastBatch = jobID == nil ? true : finalJobBatch && batch.isLast
      }
      message.events = batch.items.map(item)
      let organization =
        first.flatMap { engine.entities[$0.members.first ?? .maac(0)]?.org.orgID }
        ?? orgs.first?.orgID ?? 0
      events.append(
        OutboundEvent(eventType: contactProfileType, organizationID: organization, payload: message)
      )
    }
    return events
  }

  static func tagEvents(_ items: [TagBroadcastItem], engine: UnificationEngine, now: Instant)
    -> [OutboundEvent]
  {
    items.flatMap { item in
      // One message per organization of the item's members: a consumer (tag manager, T23)
      // writes a message's members under the message's organization, and a unify scope may
      // hold several organizations.
      let byOrganization = Dictionary(grouping: item.members) {
        engine.entities[$0]?.org.orgID ?? 0
      }
      return byOrganization.keys.sorted().map { organization in
        tagEvent(
          item, members: byOrganization[organization] ?? [], organization: organization, now: now)
      }
    }
  }

  private static func tagEvent(
    _ item: TagBroadcastItem, members: [MemberRef], organization: Int64, now: Instant
  ) -> OutboundEvent {
    var message = Maac_Cdh_V1_MemberTagPropagated()
    message.eventID = item.version
    message.publishedAt = ContractMapping.timestamp(now)
    message.schemaVersion = 1
    message.metadata = .with {
      $0.type = item.type == .memberTagUpdate ? .memberTagUpdate : .unificationInherit
      $0.unifyScopeID = item.scopeID
    }
    message.events = [
      .with {
        $0.topic = "member.tag.update"
        $0.timestamp = ContractMapping.timestamp(item.timestamp)
        $0.version = item.version
        $0.profileID = item.profileID
        $0.unifiedChannelEntities = members.map(ContractMapping.memberRef)
        $0.tags = item.tags.map { tag in
          .with {
            $0.tagID = tag.tag.id
            $0.source = ContractMapping.tagSource(tag.tag.source)
            $0.tagName = tag.name
            $0.action = tag.action == .add ? .add : .delete
            $0.inherited = tag.inherited
            $0.createdAt = ContractMapping.timestamp(tag.createdAt)
          }
        }
      }
    ]
    return OutboundEvent(eventType: memberTagType, organizationID: organization, payload: message)
  }

  /// Profile and tag events of one engine operation.
  static func events(
    for changes: EngineChanges, engine: UnificationEngine, now: Instant, taskID: Int64? = nil
  ) -> [OutboundEvent] {
    profileEvents(changes.profileItems, engine: engine, now: now, taskID: taskID)
      + tagEvents(changes.tagItems, engine: engine, now: now)
  }
}
