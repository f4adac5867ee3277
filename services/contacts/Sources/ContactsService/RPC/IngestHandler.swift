import ContactsDomain
import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit

/// `maac.contacts.v1.ContactsIngest`: channel events, interactions, delivery outcomes, CDH
/// broadcasts and system attributes (C38, C49, C51–C58, C70). Service callers only.
struct IngestHandler: Maac_Contacts_V1_ContactsIngest.SimpleServiceProtocol {
  let store: ContactStore
  let directory: any OrganizationDirectory
  var lineProfiles: any LineProfileSource = UnconfiguredLineProfileSource()
  /// The organization's day for `age` (C10).
  var timeZones = OrganizationTimeZones(gate: nil)

  /// C56: how long a creating LINE event waits for the profile before committing without it.
  var profileBudget: Duration = LineNameSyncWorker.Settings().creationFetchTimeout

  func applyChannelEvent(request: Maac_Contacts_V1_ApplyChannelEventRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ApplyChannelEventResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    guard let type = ContactMapping.channelType(request.channelType) else {
      throw ServiceErrors.invalid(
        .invalidSelector, field: "channel_type", "channel_type is required")
    }
    guard let kind = Self.kind(request.kind) else {
      throw ServiceErrors.invalid(.unknownEventKind, field: "kind", "kind is unknown")
    }
    var profile: ChannelProfile?
    if request.hasProfile {
      let p = request.profile
      profile = ChannelProfile(
        name: p.hasName ? p.name : nil, avatarURL: p.hasAvatarURL ? p.avatarURL : nil,
        phone: p.hasPhone ? p.phone : nil,
        email: p.hasEmail ? p.email : nil, gender: p.hasGender ? p.gender : nil,
        timezone: p.hasTimezone ? p.timezone : nil,
        locale: p.hasLocale ? p.locale : nil, igName: p.hasIgName ? p.igName : nil,
        isVerifiedUser: p.hasIsVerifiedUser ? p.isVerifiedUser : nil)
    }
    var event = ChannelEvent(
      channelType: type, channelID: request.channelID == 0 ? nil : request.channelID,
      externalUserID: request.externalUserID, destination: request.destination, kind: kind,
      occurredAt: request.hasOccurredAt ? request.occurredAt.date : Date(),
      providerEventID: request.providerEventID, profile: profile,
      acquisitionSource: ContactMapping.acquisition(request.acquisitionSource))
    let key = try ServiceErrors.domain { try ChannelEventRules.validate(event) }
    if type != .sms {
      guard request.channelID > 0,
        let channel = try await directory.channel(organizationID: org, id: request.channelID)
      else {
        throw ServiceErrors.make(
          .notFound, .channelNotFound, "Channel not found", field: "channel_id")
      }
      guard channel.type == type else {
        throw ServiceErrors.invalid(
          .channelTypeMismatch, field: "channel_id", "channel is not a \(type.rawValue) channel")
      }
    }
    if type == .line, event.kind.createsContact, Text.normalizedOrNil(event.profile?.name) == nil,
      try await store.contact(
        organizationID: org, type: .line, channelID: request.channelID, externalID: key) == nil
    {
      // C56: a new LINE contact is published with its name when LINE answers in time.
      if let fetched = try? await lineProfiles.profile(
        organizationID: org, channelID: request.channelID, userID: key,
        timeout: profileBudget)
      {
        var merged = event.profile ?? ChannelProfile()
        merged.name = fetched.displayName
        merged.avatarURL = merged.avatarURL ?? fetched.pictureURL
        event.profile = merged
      }
    }
    let cause = ChangeCause(
      origin: .channel, actor: Caller.actor,
      correlationID: request.providerEventID.isEmpty ? Caller.requestID : request.providerEventID)
    let outcome: (Contact, created: Bool, duplicate: Bool, changed: Bool) = try await store.pool
      .withTransaction {
        connection in
        if !request.providerEventID.isEmpty {
          // C55: a repeated provider event within 7 days changes nothing.
          let seen = try await connection.query(
            """
            SELECT contact_id FROM processed_provider_event
            WHERE organization_id = \(org) AND provider_event_id = \(request.providerEventID)
              AND processed_at > now() - interval '7 days'
            """)
          if let id = try seen.first?.decode("contact_id", as: Int64.self),
            let contact = try await store.contact(organizationID: org, id: id, includeDeleted: true)
          {
            return (contact, false, true, false)
          }
        }
        let existingRows = try await connection.query(
          """
          SELECT \(unescaped: ContactRecord.selectList) FROM contact
          WHERE organization_id = \(org) AND channel_type = \(type.rawValue)
            AND (\(type == .sms) OR channel_id = \(request.channelID)) AND external_id = \(key) AND deleted_at IS NULL
          FOR UPDATE
          """)
        let existing = try existingRows.first.map(ContactRecord.decode)
        let result = try ServiceErrors.domain {
          try ChannelEventRules.apply(
            event, externalID: key, to: existing?.contact, organizationID: org, now: Date())
        }
        var stored = result.contact
        if result.stateChanged {
          stored = try await store.writer.write(
            before: existing?.contact, after: result.contact, clocks: existing?.fieldClocks ?? [:],
            cause: cause,
            on: connection)
        }
        if result.created, stored.channelType == .line, stored.nameSyncState == .syncing,
          let channelID = stored.channelID
        {
          // C56: no name yet — the name-sync worker retries and publishes it when it arrives.
          _ = try await connection.execute(
            """
            INSERT INTO line_name_sync (organization_id, contact_id, channel_id, line_uid)
            VALUES (\(org), \(stored.id), \(channelID), \(stored.externalID))
            ON CONFLICT DO NOTHING
            """)
        }
        if !request.providerEventID.isEmpty {
          _ = try await connection.execute(
            """
            INSERT INTO processed_provider_event (organization_id, provider_event_id, contact_id)
            VALUES (\(org), \(request.providerEventID), \(stored.id))
            ON CONFLICT (organization_id, provider_event_id) DO UPDATE SET processed_at = now(), contact_id = excluded.contact_id
            """)
        }
        return (stored, result.created, false, result.stateChanged)
      }
    var response = Maac_Contacts_V1_ApplyChannelEventResponse()
    response.contact = ContactMapping.contact(
      outcome.0, today: try await timeZones.today(of: org))
    response.created = outcome.created
    response.duplicate = outcome.duplicate
    response.stateChanged = outcome.changed
    return response
  }

  func recordInteraction(request: Maac_Contacts_V1_RecordInteractionRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_RecordInteractionResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    let kind: InteractionKind
    switch request.kind {
    case .inboundMessage: kind = .inboundMessage
    case .autoReplyTriggered: kind = .autoReplyTriggered
    default: throw ServiceErrors.invalid(.unknownInteractionKind, field: "kind", "kind is unknown")
    }
    let occurredAt = request.hasOccurredAt ? request.occurredAt.date : Date()
    _ = try ServiceErrors.domain {
      try InteractionRules.apply(kind, occurredAt: occurredAt, to: nil, now: Date())
    }
    let contactID: Int64
    switch request.selector {
    case .contactID(let id): contactID = id
    case .channelKey(let key):
      let target = try await ContactResolver(store: store, directory: directory).resolve(
        org: org, selector: .key(key))
      contactID = target.id
    case nil:
      throw ServiceErrors.invalid(
        .invalidSelector, field: "contact_id", "give a contact_id or a channel_key")
    }
    if !request.idempotencyKey.isEmpty {
      // C58: a repeated idempotency key changes nothing.
      let seen = try await store.pool.query(
        "SELECT 1 FROM interaction_log WHERE organization_id = \(org) AND idempotency_key = \(request.idempotencyKey)"
      )
      if !seen.isEmpty, let contact = try await store.contact(organizationID: org, id: contactID) {
        var response = Maac_Contacts_V1_RecordInteractionResponse()
        response.contactID = contact.id
        response.counted = false
        if let at = contact.lastInteractionAt {
          response.lastInteractionAt = ContactMapping.timestamp(at)
        }
        return response
      }
    }
    var counted = false
    let result = try await store.mutate(
      organizationID: org, id: contactID,
      cause: ChangeCause(
        origin: .channel, actor: Caller.actor, correlationID: request.idempotencyKey)
    ) { contact, _ in
      let next = try ServiceErrors.domain {
        try InteractionRules.apply(
          kind, occurredAt: occurredAt, to: contact.lastInteractionAt, now: Date())
      }
      counted = next.counted
      guard next.counted else { return nil }
      var updated = contact
      updated.lastInteractionAt = next.lastInteractionAt
      return updated
    }
    if !request.idempotencyKey.isEmpty {
      _ = try await store.pool.execute(
        """
        INSERT INTO interaction_log (organization_id, idempotency_key, contact_id, kind, counted, occurred_at)
        VALUES (\(org), \(request.idempotencyKey), \(contactID), \(kind.rawValue), \(counted), \(occurredAt))
        ON CONFLICT DO NOTHING
        """)
    }
    var response = Maac_Contacts_V1_RecordInteractionResponse()
    response.contactID = result.contact.id
    response.counted = counted
    if let at = result.contact.lastInteractionAt {
      response.lastInteractionAt = ContactMapping.timestamp(at)
    }
    return response
  }

  func updateEmailMessagingStatus(
    request: Maac_Contacts_V1_UpdateEmailMessagingStatusRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_UpdateEmailMessagingStatusResponse {
    try Caller.requireService()
    let org = try Caller.organization()
    let outcome: EmailStatusRules.DeliveryOutcome
    switch request.status {
    case .delivered: outcome = .delivered
    case .softBounce: outcome = .softBounce
    case .hardBounce: outcome = .hardBounce
    case .spamReport: outcome = .spamReport
    case .unsubscribed: outcome = .unsubscribed
    case .suppressed: outcome = .suppressed
    default: throw ServiceErrors.invalid(.invalidEmailStatus, field: "status", "status is unknown")
    }
    let contact: Contact?
    if request.hasChannelEntityID {
      contact = try await store.contact(organizationID: org, id: request.channelEntityID)
    } else {
      let address = try ServiceErrors.domain {
        try EmailAddress.parse(request.email, field: "email")
      }
      contact = try await store.contact(
        organizationID: org, type: .email, channelID: request.channelID, externalID: address.key)
    }
    guard let contact, contact.channelType == .email else { throw ContactStore.notFound }
    var previous = contact.emailStatus
    let result = try await store.mutate(
      organizationID: org, id: contact.id,
      cause: ChangeCause(origin: .system, actor: Caller.actor, correlationID: request.sourceEventID)
    ) { current, _ in
      previous = current.emailStatus
      var next = current
      next.applyEmailOutcome(outcome, at: request.hasOccurredAt ? request.occurredAt.date : Date())
      return next == current ? nil : next
    }
    var response = Maac_Contacts_V1_UpdateEmailMessagingStatusResponse()
    response.previous = ContactMapping.emailStatus(previous)
    response.current = ContactMapping.emailStatus(result.contact.emailStatus)
    response.changed = previous != result.contact.emailStatus
    return response
  }

  func applyProfileBroadcast(
    request: Maac_Contacts_V1_ApplyProfileBroadcastRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ApplyProfileBroadcastResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    let item = ProfileBroadcast(
      eventID: request.eventID, version: request.version, fields: request.fields,
      clearedFields: request.clearedFields,
      provenance: Dictionary(
        request.provenance.map { ($0.field, $0.sourceTimestamp.date) },
        uniquingKeysWith: { a, _ in a }))
    var response = Maac_Contacts_V1_ApplyProfileBroadcastResponse()
    for id in request.memberIds {
      do {
        let result = try await store.mutate(
          organizationID: org, id: id,
          cause: ChangeCause(
            origin: .cdh, actor: Caller.actor, correlationID: String(request.eventID))
        ) { contact, clocks in item.apply(to: contact, localClocks: clocks, now: Date()) }
        if result.changed {
          response.appliedContactIds.append(id)
        } else {
          response.ignoredContactIds.append(id)
        }
      } catch let error as ServiceError where error.kind == .notFound {
        response.ignoredContactIds.append(id)
      }
    }
    return response
  }

  func setSystemAttributes(
    request: Maac_Contacts_V1_SetSystemAttributesRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_Contact
  {
    try Caller.requireService()
    let org = try Caller.organization()
    var level: EngagementLevel?
    if request.hasEngagementLevel {
      switch request.engagementLevel {
      case .lv1: level = .lv1
      case .lv2: level = .lv2
      case .lv3: level = .lv3
      case .lv4: level = .lv4
      case .lv5: level = .lv5
      default:
        throw ServiceErrors.invalid(
          .invalidEngagementLevel, field: "engagement_level", "engagement_level must be lv1..lv5")
      }
    }
    let predicted =
      request.hasPredictedGender ? ContactMapping.gender(request.predictedGender) : nil
    let result = try await store.mutate(
      organizationID: org, id: request.contactID,
      cause: ChangeCause(origin: .system, actor: Caller.actor, correlationID: Caller.requestID)
    ) { contact, _ in
      SystemAttributes.apply(
        engagementLevel: level, predictedGender: predicted, to: contact, now: Date())
    }
    return ContactMapping.contact(result.contact, today: try await timeZones.today(of: org))
  }

  static func kind(_ kind: Maac_Contacts_V1_ChannelEventKind) -> ChannelEvent.Kind? {
    switch kind {
    case .lineFollow: .lineFollow
    case .lineUnfollow: .lineUnfollow
    case .lineMessage: .lineMessage
    case .linePostback: .linePostback
    case .lineAuthorization: .lineAuthorization
    case .metaMessage: .metaMessage
    case .whatsappOptIn: .whatsappOptIn
    case .whatsappOptOut: .whatsappOptOut
    case .smsDelivered: .smsDelivered
    case .smsInvalidNumber: .smsInvalidNumber
    case .profileChanged: .profileChanged
    default: nil
    }
  }
}
