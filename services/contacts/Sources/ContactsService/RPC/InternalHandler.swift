import ContactsDomain
import Foundation
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.contacts.v1.ContactsInternal`: reads for peer services (§4.2 "internal").
struct InternalHandler: Maac_Contacts_V1_ContactsInternal.SimpleServiceProtocol {
  let store: ContactStore
  let directory: any OrganizationDirectory
  var profiles: any ProfileAuthority = UnreachableProfileAuthority()
  /// The organization's day for `age` (C10).
  var timeZones = OrganizationTimeZones(gate: nil)

  /// The live contacts of `member`'s person in this organization, per CDH (§4.4).
  func person(of member: Contact, organizationID: Int64) async throws -> [Contact] {
    let ids = try await profiles.unifiedMembers(of: member.id, organizationID: organizationID)
    return try await store.contacts(organizationID: organizationID, ids: ids, includeDeleted: false)
  }

  func batchGetContacts(request: Maac_Contacts_V1_BatchGetContactsRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_BatchGetContactsResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    guard !request.contactIds.isEmpty else {
      throw ServiceErrors.invalid(
        .emptyRequest, field: "contact_ids", "contact_ids must not be empty")
    }
    guard request.contactIds.count <= 1000 else {
      throw ServiceErrors.invalid(
        .tooManyIDs, field: "contact_ids", "at most 1,000 ids; got \(request.contactIds.count)")
    }
    let found = try await store.contacts(
      organizationID: org, ids: request.contactIds, includeDeleted: request.includeDeleted)
    let ids = Set(found.map(\.id))
    var response = Maac_Contacts_V1_BatchGetContactsResponse()
    let today = try await timeZones.today(of: org)
    response.contacts = found.map { ContactMapping.contact($0, today: today) }
    response.missingIds = request.contactIds.filter { !ids.contains($0) }
    return response
  }

  func lookupContacts(request: Maac_Contacts_V1_LookupContactsRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_LookupContactsResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    let limit = try ServiceErrors.domain { try PageSize.resolve(request.limit, field: "limit") }
    guard
      case .exact(let field, let value) = try ContactSearch.lookup(
        request.hasQuery ? request.query : nil)
    else {
      throw ServiceErrors.invalid(.invalidSelector, field: "query", "give exactly one identifier")
    }
    let contacts = try await store.lookup(
      organizationID: org, field: field, value: value,
      types: request.channelTypes.compactMap(ContactMapping.channelType), limit: limit)
    var response = Maac_Contacts_V1_LookupContactsResponse()
    let today = try await timeZones.today(of: org)
    response.contacts = contacts.map { ContactMapping.contact($0, today: today) }
    return response
  }

  func resolveChannelEntity(
    request: Maac_Contacts_V1_ResolveChannelEntityRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ResolveChannelEntityResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    guard let type = ContactMapping.channelType(request.channelType) else {
      throw ServiceErrors.invalid(
        .invalidSelector, field: "channel_type", "channel_type is required")
    }
    // Q23: numeric channel ids of the organization are accepted; admin's external ids need admin.
    guard let channelID = Int64(request.channelExternalID),
      let channel = try await directory.channel(organizationID: org, id: channelID),
      channel.type == type
    else { throw ServiceErrors.make(.notFound, .channelNotFound, "Channel not found") }
    let key = try ServiceErrors.domain {
      try ContactIdentity.normalizePrimaryKey(
        request.channelEntityExternalID, type: type, field: "channel_entity_external_id")
    }
    guard
      let contact = try await store.contact(
        organizationID: org, type: type, channelID: channel.id, externalID: key)
    else { throw ContactStore.notFound }
    var response = Maac_Contacts_V1_ResolveChannelEntityResponse()
    response.memberID = contact.id
    response.channelEntityID = contact.id
    return response
  }

  func resolveMembers(request: Maac_Contacts_V1_ResolveMembersRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ResolveMembersResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    var response = Maac_Contacts_V1_ResolveMembersResponse()
    guard request.source != .caac, !request.memberIds.isEmpty else { return response }
    let found = try await store.contacts(
      organizationID: org, ids: request.memberIds, includeDeleted: false)
    response.items = found.map { contact in
      var item = Maac_Contacts_V1_ResolvedMember()
      item.sourceMemberID = contact.id
      item.memberID = contact.id
      return item
    }
    return response
  }

  func listChannelEntities(
    request: Maac_Contacts_V1_ListChannelEntitiesRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ListChannelEntitiesResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    guard let member = try await store.contact(organizationID: org, id: request.memberID) else {
      throw ContactStore.notFound
    }
    // The contact's person is CDH's to say (contacts never merge, D2).
    let type = ContactMapping.channelType(request.channelType)
    var response = Maac_Contacts_V1_ListChannelEntitiesResponse()
    response.entities = try await person(of: member, organizationID: org).filter {
      $0.channelType == type && (request.channelID == 0 || request.channelID == $0.channelID)
    }.map { contact in
      var entity = Maac_Contacts_V1_ChannelEntityRef()
      entity.id = contact.id
      entity.channelID = contact.channelID ?? 0
      entity.externalID = contact.externalIDRaw
      entity.reachable = contact.reachable
      return entity
    }
    return response
  }

  func getEmailRecipients(
    request: Maac_Contacts_V1_GetEmailRecipientsRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_GetEmailRecipientsResponse
  {
    try Caller.requireService()
    let org = try Caller.organization()
    let contacts: [Contact]
    var memberID: Int64?
    switch request.target {
    case .channelEntityIds(let list):
      contacts = try await store.contacts(
        organizationID: org, ids: list.contactIds, includeDeleted: false)
    case .memberID(let id):
      guard let member = try await store.contact(organizationID: org, id: id) else {
        throw ContactStore.notFound
      }
      // E10, E11: the member's person's email contacts, per CDH.
      memberID = id
      contacts = try await person(of: member, organizationID: org)
    case nil:
      throw ServiceErrors.invalid(
        .invalidSelector, field: "target", "give channel_entity_ids or member_id")
    }
    var response = Maac_Contacts_V1_GetEmailRecipientsResponse()
    response.recipients = contacts.filter {
      $0.channelType == .email && (request.channelID == 0 || $0.channelID == request.channelID)
    }.map { contact in
      var recipient = Maac_Contacts_V1_EmailRecipient()
      recipient.channelEntityID = contact.id
      recipient.memberID = memberID ?? contact.id
      recipient.email = contact.externalIDRaw
      recipient.displayName = contact.resolvedName.name
      recipient.messagingStatus = ContactMapping.emailStatus(contact.emailStatus)
      return recipient
    }
    return response
  }

  func listChannelContactCounts(
    request: Maac_Contacts_V1_ListChannelContactCountsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListChannelContactCountsResponse {
    try Caller.requireService()
    let org = try Caller.organization()
    let counts = try await store.channelCounts(organizationID: org, channelIDs: request.channelIds)
    var response = Maac_Contacts_V1_ListChannelContactCountsResponse()
    response.counts = counts.map { id, total, following in
      var count = Maac_Contacts_V1_ChannelContactCount()
      count.channelID = id
      count.total = total
      count.lineFollowing = following
      return count
    }
    response.asOf = ContactMapping.timestamp(Date())
    return response
  }

  func streamContacts(
    request: Maac_Contacts_V1_StreamContactsRequest,
    response: RPCWriter<Maac_Contacts_V1_ContactBatch>,
    context: ServerContext
  ) async throws {
    try Caller.requireService()
    let org = try Caller.organization()
    let since = request.hasUpdatedSince ? request.updatedSince.date : nil
    if let since, since > Date() {
      throw ServiceErrors.invalid(
        "INVALID_ARGUMENT", field: "updated_since", "updated_since is in the future")
    }
    var after: Int64 = 0
    while true {
      let rows = try await store.pool.query(
        """
        SELECT \(unescaped: ContactRecord.selectList) FROM contact
        WHERE organization_id = \(org) AND id > \(after) AND (\(request.includeDeleted) OR deleted_at IS NULL)
          AND (cardinality(\(request.channelIds)::bigint[]) = 0 OR channel_id = ANY(\(request.channelIds)::bigint[]))
          AND (\(since)::timestamptz IS NULL OR updated_at >= \(since))
        ORDER BY id LIMIT 1000
        """)
      if rows.isEmpty { return }
      let contacts = try rows.map { try ContactRecord.decode($0).contact }
      var batch = Maac_Contacts_V1_ContactBatch()
      let today = try await timeZones.today(of: org)
      batch.contacts = contacts.map { ContactMapping.contact($0, today: today) }
      try await response.write(batch)
      after = contacts[contacts.count - 1].id
      if rows.count < 1000 { return }
    }
  }
}
