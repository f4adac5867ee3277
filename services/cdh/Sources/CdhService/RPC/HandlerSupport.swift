import CDHDomain
import Foundation
import GRPCCore
import MAACContracts
import ServiceKit

/// What every CDH handler needs: the runtime, the caller's org and actor, role checks.
enum HandlerSupport {
  static func runtime(_ runtime: CDHRuntime?) throws -> CDHRuntime {
    guard let runtime else { throw ServiceError(.unavailable, "cdh runtime is not started") }
    return runtime
  }

  /// The caller's organization (source maac, §4.4) and actor; UNAUTHENTICATED without org.
  static func caller() throws -> (org: OrgRef, actor: Actor, context: CallerContext) {
    let organizationID = try CallerContext.requiredOrganizationID()
    let context = try CallerContext.required()
    return (OrgRef(organizationID), actor(context), context)
  }

  static func actor(_ context: CallerContext) -> Actor {
    if context.userID.hasPrefix("system:") {
      return Actor(type: "service", id: String(context.userID.dropFirst("system:".count)))
    }
    return Actor(type: "user", id: context.userID)
  }

  static func isService(_ context: CallerContext) -> Bool { context.userID.hasPrefix("system:") }

  /// Settings writes need org_admin or a service caller (§4.4).
  static func requireSettingsWriter(_ context: CallerContext) throws {
    guard isService(context) || context.hasRole("org_admin") || context.hasRole("platform_admin")
    else {
      throw ServiceError.permissionDenied("role org_admin required")
    }
  }

  static func requirePlatformAdmin(_ context: CallerContext) throws {
    guard isService(context) || context.hasRole("platform_admin") else {
      throw ServiceError.permissionDenied("role platform_admin required")
    }
  }

  static func domain<T>(_ body: () throws(DomainError) -> T) throws -> T {
    do { return try body() } catch { throw ContractMapping.serviceError(error) }
  }

  static func today() -> String {
    let formatter = DateFormatter()
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date())
  }

  static func settings(_ scope: UnifyScope, engine: UnificationEngine) -> Maac_Cdh_V1_UnifySettings
  {
    .with {
      $0.unifyScopeID = scope.id
      $0.unifyScopeName = scope.name
      $0.orgs = scope.orgs.map { org in
        let info = engine.orgs[org]
        return .with {
          $0.orgID = org.orgID
          $0.source = ContractMapping.tagSource(org.source)
          $0.name = info?.name ?? ""
          $0.orgUuid = info?.orgUUID ?? ""
        }
      }
      $0.unifyKeys = ContractMapping.keys(scope.keys)
      $0.isCdhConnected = scope.isConnected
      $0.distinctKey = ""
      $0.settingsVersion = scope.settingsVersion
      $0.updatedAt = ContractMapping.timestamp(scope.updatedAt)
    }
  }

  static func job(_ job: ReunifyJob) -> Maac_Cdh_V1_ReunifyJob {
    .with {
      $0.jobID = job.id
      $0.trigger = ContractMapping.trigger(job.trigger)
      $0.status = ContractMapping.jobStatus(job.status)
      $0.totalEntities = job.totalEntities
      $0.processedEntities = job.processedEntities
      $0.influencedEntities = job.influencedEntities
      $0.createdAt = ContractMapping.timestamp(job.createdAt)
      if let finished = job.finishedAt { $0.finishedAt = ContractMapping.timestamp(finished) }
      if let started = job.startedAt { $0.startedAt = ContractMapping.timestamp(started) }
      $0.unifyScopeID = job.scopeID
      $0.settingsVersion = job.settingsVersion
      $0.batchesPublished = job.batchesPublished
      $0.error = job.error ?? ""
    }
  }

  static func tag(_ attachment: TagAttachment) -> Maac_Cdh_V1_ProfileTag {
    .with {
      $0.tagID = attachment.tag.id
      $0.tagSource = ContractMapping.tagSource(attachment.tag.source)
      $0.tagName = attachment.name
      $0.isAttached = attachment.isAttached
      $0.inherited = attachment.inherited
      $0.sourceTimestamp = ContractMapping.timestamp(attachment.sourceTimestamp)
    }
  }

  static func entity(_ entity: ChannelEntity) -> Maac_Cdh_V1_ChannelEntity {
    .with {
      $0.member = ContractMapping.memberRef(entity.member)
      $0.orgID = entity.org.orgID
      switch entity.channelType {
      case "line": $0.channelType = .line
      case "facebook": $0.channelType = .facebook
      case "instagram": $0.channelType = .instagram
      case "whatsapp": $0.channelType = .whatsapp
      case "sms": $0.channelType = .sms
      case "email": $0.channelType = .email
      default: $0.channelType = .unspecified
      }
      $0.channelID = entity.channelID ?? 0
      if let value = entity.value("line_uid") { $0.lineUid = value }
      if let value = entity.value("original_name") { $0.originalName = value }
      if let value = entity.value("original_mobile") { $0.originalMobile = value }
      if let value = entity.value("original_email") { $0.originalEmail = value }
      if let value = entity.value("avatar_url") { $0.avatarURL = value }
      if let value = entity.value("channel_status") { $0.channelStatus = value }
      if let value = entity.value("note") { $0.note = value }
      $0.reachable = entity.reachable
      if let created = entity.entityCreatedAt { $0.createdAt = ContractMapping.timestamp(created) }
    }
  }

  /// The merged profile of a profile as seen from `viewer` (tags from its rows, U34).
  static func mergedProfile(
    _ profile: ProfileState, viewer: MemberRef?, engine: UnificationEngine, pending: Bool
  ) -> Maac_Cdh_V1_MergedProfile {
    let view = profile.view
    let tagViewer = viewer ?? profile.members.first
    return .with {
      $0.profileID = profile.id
      $0.unifyScopeID = profile.scopeID
      $0.fields = ContractMapping.contactFields(view)
      $0.effectiveDisplayName = view.effectiveDisplayName ?? ""
      if let age = view.age(today: today()) { $0.age = .init(Int32(age)) }
      $0.memberStatus = view.memberStatus
      $0.contactStatus = view.anyReachable ? .active : .inactive
      $0.tags = (tagViewer.flatMap { engine.profileTags(of: $0) } ?? []).map(tag)
      $0.entities = profile.members.compactMap { engine.entities[$0] }.map(entity)
      $0.provenance = ContractMapping.provenance(view)
      $0.unificationUpdatedAt = ContractMapping.timestamp(profile.unificationUpdatedAt)
      $0.version = profile.version
      $0.reunificationPending = pending
    }
  }
}
