import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf
import TagsDomain

extension TagManagerHandler {
  func attachTags(request: Maac_Tags_V1_AttachTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_AttachTagsResponse
  {
    let organizationID = try Self.organization()
    let now = Date()
    try AttachRequestRules.checkSizes(
      contacts: request.contactIds.count, tags: request.tagIds.count)
    let taggedVia = try AttachRequestRules.taggedVia(ProtoMapping.taggedVia(request.taggedVia))
    let occurredAt = try AttachRequestRules.occurredAt(
      requested: request.hasOccurredAt ? request.occurredAt.date : nil,
      callerIsService: Self.callerIsService, now: now)
    let idempotencyKey = try IdempotencyPolicy.scopedKey(
      request.idempotencyKey, operation: "attach")
    let contacts = try Self.contactIDs(request.contactIds)
    let keys = try request.tagIds.enumerated().map { index, id throws(TagRuleViolation) in
      try Self.key(id, request.tagSource, field: "tag_ids[\(index)]")
    }
    let ref = ProtoMapping.ref(request.ref, has: request.hasRef)
    let pairs = AttachRequestRules.pairs(contactIDs: contacts, tags: keys)
    // T8: ids the copy has not seen are checked with contacts, in one call for the request.
    let missing = try await directory.missing(
      Self.distinct(contacts), organizationID: organizationID, pool: pool)
    let existing = contacts.filter { !missing.contains($0) }

    let outcomes = try await pool.withTransaction {
      connection -> [PairKey: (AttachOutcome, Int32)] in
      if let idempotencyKey,
        !(try await associations.claim(
          idempotencyKey: idempotencyKey, organizationID: organizationID, now: now, on: connection))
      {
        return [:]
      }
      var outcomes: [PairKey: (AttachOutcome, Int32)] = [:]
      for contact in missing {
        for key in keys { outcomes[PairKey(contact: contact, tag: key)] = (.contactNotFound, 0) }
      }
      let availability = try await definitions.availability(
        keys, organizationID: organizationID, on: connection)
      for key in Self.distinct(keys) {
        var decision = AttachPreflight.decide(
          availability[key] ?? .unknown, taggedVia: taggedVia, at: now)
        var record: TagRecord?
        if case .restoreThenApply = decision,
          let deleted = try await definitions.fetch(
            key, organizationID: organizationID, on: connection, lock: true)
        {
          record = try await definitions.restore(deleted, on: connection, cleaner: cleaner)
          decision = .apply(record!.definition)
        } else if case .apply = decision {
          record = try await definitions.fetch(key, organizationID: organizationID, on: connection)
        }
        guard case .apply = decision, let record else {
          if case .refuse(let outcome) = decision {
            for contact in existing { outcomes[PairKey(contact: contact, tag: key)] = (outcome, 0) }
          }
          continue
        }
        guard !existing.isEmpty else { continue }
        let applied = try await associations.attach(
          record, to: existing, taggedVia: taggedVia, ref: ref, occurredAt: occurredAt, now: now,
          idempotencyKey: idempotencyKey, on: connection)
        for row in applied {
          outcomes[PairKey(contact: row.contactID, tag: key)] = (row.outcome, row.tagCount)
        }
        // Contacts left out were deleted in the contacts service (T25).
        for contact in existing where outcomes[PairKey(contact: contact, tag: key)] == nil {
          outcomes[PairKey(contact: contact, tag: key)] = (.contactNotFound, 0)
        }
      }
      return outcomes
    }
    var response = Maac_Tags_V1_AttachTagsResponse()
    for (contact, key) in pairs {
      var result = Maac_Tags_V1_AttachResult()
      result.contactID = contact
      result.tagID = key.id
      let (outcome, count) = outcomes[PairKey(contact: contact, tag: key)] ?? (.duplicateRequest, 0)
      result.outcome = Self.wire(outcome)
      result.tagCount = count
      response.results.append(result)
    }
    return response
  }

  func detachTags(request: Maac_Tags_V1_DetachTagsRequest, context: ServerContext) async throws
    -> Maac_Tags_V1_DetachTagsResponse
  {
    let organizationID = try Self.organization()
    let now = Date()
    try AttachRequestRules.checkSizes(
      contacts: request.contactIds.count, tags: request.tagIds.count)
    let reason = ProtoMapping.removeReason(request.reason) ?? .manual
    let idempotencyKey = try IdempotencyPolicy.scopedKey(
      request.idempotencyKey, operation: "detach")
    let contacts = try Self.contactIDs(request.contactIds)
    let keys = try request.tagIds.enumerated().map { index, id throws(TagRuleViolation) in
      try Self.key(id, request.tagSource, field: "tag_ids[\(index)]")
    }
    let ref = ProtoMapping.ref(request.ref, has: request.hasRef)
    let pairs = AttachRequestRules.pairs(contactIDs: contacts, tags: keys)
    let outcomes = try await pool.withTransaction {
      connection -> [PairKey: (DetachOutcome, Bool)]? in
      if let idempotencyKey,
        !(try await associations.claim(
          idempotencyKey: idempotencyKey, organizationID: organizationID, now: now, on: connection))
      {
        return nil
      }
      var outcomes: [PairKey: (DetachOutcome, Bool)] = [:]
      let records = try await definitions.fetch(
        keys, organizationID: organizationID, includeDeleted: false, on: connection)
      for key in Self.distinct(keys) {
        guard let record = records[key] else {
          for contact in contacts {
            outcomes[PairKey(contact: contact, tag: key)] = (.tagNotFound, false)
          }
          continue
        }
        let removed = try await associations.detach(
          record, from: contacts, reason: reason, ref: ref, now: now,
          idempotencyKey: idempotencyKey,
          on: connection)
        for row in removed {
          outcomes[PairKey(contact: row.contactID, tag: key)] = (row.outcome, row.stillHasTag)
        }
      }
      return outcomes
    }
    var response = Maac_Tags_V1_DetachTagsResponse()
    for (contact, key) in pairs {
      var result = Maac_Tags_V1_DetachResult()
      result.contactID = contact
      result.tagID = key.id
      // A repeated idempotency key changes nothing: every pair reads "not attached".
      let (outcome, still) = outcomes?[PairKey(contact: contact, tag: key)] ?? (.notAttached, false)
      result.outcome = Self.wire(outcome)
      result.stillHasTag = still
      response.results.append(result)
    }
    return response
  }

  func listContactTags(request: Maac_Tags_V1_ListContactTagsRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_ListContactTagsResponse
  {
    let organizationID = try Self.organization()
    let contact = try Self.contactIDs([request.contactID], field: "contact_id")[0]
    let include = request.hasIncludeInherited ? request.includeInherited : true
    let entries = try await contactTags(
      [contact], organizationID: organizationID, includeInherited: include)
    var response = Maac_Tags_V1_ListContactTagsResponse()
    response.tags = entries[contact] ?? []
    return response
  }

  func batchListContactTags(
    request: Maac_Tags_V1_BatchListContactTagsRequest, context: ServerContext
  )
    async throws -> Maac_Tags_V1_BatchListContactTagsResponse
  {
    let organizationID = try Self.organization()
    try TagLimits.requireCount(
      request.contactIds.count, field: "contact_ids", maximum: TagLimits.idsPerBatch,
      tooManyReason: "TOO_MANY_IDS")
    let contacts = try Self.contactIDs(request.contactIds)
    let include = request.hasIncludeInherited ? request.includeInherited : true
    let entries = try await contactTags(
      contacts, organizationID: organizationID, includeInherited: include)
    var response = Maac_Tags_V1_BatchListContactTagsResponse()
    for contact in Self.distinct(contacts) {
      var entry = Maac_Tags_V1_ContactTagsEntry()
      entry.contactID = contact
      entry.tags = entries[contact] ?? []
      response.entries.append(entry)
    }
    return response
  }

  func listTagMembers(request: Maac_Tags_V1_ListTagMembersRequest, context: ServerContext)
    async throws
    -> Maac_Tags_V1_ListTagMembersResponse
  {
    let organizationID = try Self.organization()
    let key = try Self.key(request.tagID, request.tagSource)
    let pageSize = try TagLimits.pageSize(Int(request.pageSize))
    let origin = Self.origin(request.origin)
    let fingerprint = "members|\(key.source.rawValue)|\(key.id)|\(origin?.rawValue ?? "*")"
    let after = try PageToken<Int64>.decode(request.pageToken, query: fingerprint)?.position ?? 0
    let members = try await pool.withConnection { connection -> [Int64] in
      guard
        let record = try await definitions.fetch(
          key, organizationID: organizationID, on: connection),
        record.definition.deletedAt == nil
      else { throw TagDefinition.notFound(key) }
      return try await associations.members(
        of: key, organizationID: organizationID, origin: origin, after: after, limit: pageSize + 1,
        on: connection)
    }
    var response = Maac_Tags_V1_ListTagMembersResponse()
    response.contactIds = Array(members.prefix(pageSize))
    if members.count > pageSize, let last = response.contactIds.last {
      response.nextPageToken = PageToken(query: fingerprint, position: last).encoded
    }
    return response
  }

  func streamTagMembers(
    request: Maac_Tags_V1_StreamTagMembersRequest, response: RPCWriter<Maac_Tags_V1_TagMemberBatch>,
    context: ServerContext
  ) async throws {
    let organizationID = try Self.organization()
    let key = try Self.key(request.tagID, request.tagSource)
    let origin = Self.origin(request.origin)
    try await pool.withConnection { connection in
      guard
        let record = try await definitions.fetch(
          key, organizationID: organizationID, on: connection),
        record.definition.deletedAt == nil
      else { throw TagDefinition.notFound(key) }
    }
    var after: Int64 = 0
    while true {
      let members = try await pool.withConnection { connection in
        try await associations.members(
          of: key, organizationID: organizationID, origin: origin, after: after,
          limit: TagLimits.membersPerStreamBatch, on: connection)
      }
      guard let last = members.last else { return }
      var batch = Maac_Tags_V1_TagMemberBatch()
      batch.contactIds = members
      try await response.write(batch)
      after = last
      if members.count < TagLimits.membersPerStreamBatch { return }
    }
  }

  func getContactTagHistory(
    request: Maac_Tags_V1_GetContactTagHistoryRequest, context: ServerContext
  )
    async throws -> Maac_Tags_V1_GetContactTagHistoryResponse
  {
    let organizationID = try Self.organization()
    let contact = try Self.contactIDs([request.contactID], field: "contact_id")[0]
    let pageSize = try TagLimits.pageSize(Int(request.pageSize))
    let from = request.hasFrom ? request.from.date : nil
    let to = request.hasTo ? request.to.date : nil
    if let from, let to, from > to {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_DATE_RANGE", field: "from",
        message: "from: must not be after to")
    }
    let tagID = request.hasTagID ? request.tagID : nil
    let fingerprint =
      "history|\(contact)|\(tagID.map(String.init) ?? "*")|\(from?.timeIntervalSince1970 ?? 0)|\(to?.timeIntervalSince1970 ?? 0)"
    let before = try PageToken<Int64>.decode(request.pageToken, query: fingerprint)?.position
    let rows = try await pool.query(
      """
      SELECT * FROM tag_events WHERE organization_id = \(organizationID) AND contact_id = \(contact)
        AND (\(tagID)::bigint IS NULL OR tag_id = \(tagID))
        AND (\(from)::timestamptz IS NULL OR occurred_at >= \(from))
        AND (\(to)::timestamptz IS NULL OR occurred_at <= \(to))
        AND (\(before)::bigint IS NULL OR id < \(before))
      ORDER BY id DESC LIMIT \(Int64(pageSize + 1))
      """)
    var response = Maac_Tags_V1_GetContactTagHistoryResponse()
    response.events = try rows.prefix(pageSize).map {
      try Self.tagEvent($0, organizationID: organizationID)
    }
    if rows.count > pageSize, let last = response.events.last {
      response.nextPageToken = PageToken(query: fingerprint, position: last.id).encoded
    }
    return response
  }

  func streamTagEvents(
    request: Maac_Tags_V1_StreamTagEventsRequest, response: RPCWriter<Maac_Tags_V1_TagEventBatch>,
    context: ServerContext
  ) async throws {
    let organizationID = try Self.organization()
    guard Self.callerIsService else {
      throw ServiceError.permissionDenied(
        "StreamTagEvents is for service callers (system:<service>) only")
    }
    guard request.maxEvents >= 0 else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_ARGUMENT", field: "max_events",
        message: "max_events: must not be negative")
    }
    let fingerprint = "tag_events|\(organizationID)"
    var after =
      try PageToken<Int64>.decode(request.cursor, query: fingerprint, field: "cursor")?.position
      ?? 0
    var remaining = request.maxEvents == 0 ? Int64.max : request.maxEvents
    while remaining > 0 {
      let limit = min(remaining, 1_000)
      let rows = try await pool.query(
        """
        SELECT * FROM tag_events WHERE organization_id = \(organizationID) AND id > \(after)
        ORDER BY id LIMIT \(limit)
        """)
      guard !rows.isEmpty else { return }
      var batch = Maac_Tags_V1_TagEventBatch()
      batch.events = try rows.map { try Self.tagEvent($0, organizationID: organizationID) }
      after = batch.events.last!.id
      batch.nextCursor = PageToken(query: fingerprint, position: after).encoded
      try await response.write(batch)
      remaining -= Int64(rows.count)
      if rows.count < limit { return }
    }
  }

  /// The wire form of one `tag_events` row.
  static func tagEvent(_ row: PostgresRow, organizationID: Int64) throws -> Maac_Tags_V1_TagEvent {
    var event = Maac_Tags_V1_TagEvent()
    event.id = try row.decode("id", as: Int64.self)
    event.orgID = organizationID
    event.contactID = try row.decode("contact_id", as: Int64.self)
    event.tagID = try row.decode("tag_id", as: Int64.self)
    event.tagSource = ProtoMapping.wire(
      TagSource(rawValue: try row.decode("tag_source", as: String.self)) ?? .maac)
    event.action = try row.decode("action", as: String.self) == "add" ? .add : .remove
    event.origin = ProtoMapping.wire(
      Origin(rawValue: try row.decode("origin", as: String.self)) ?? .direct)
    event.taggedVia = ProtoMapping.wire(
      try row.decode("tagged_via", as: String?.self).flatMap(TaggedVia.init(rawValue:)))
    event.reason = ProtoMapping.wire(
      try row.decode("reason", as: String?.self).flatMap(RemoveReason.init(rawValue:)))
    if let kind = try row.decode("ref_kind", as: String?.self) {
      event.ref = ProtoMapping.wire(
        TagRef(kind: kind, id: try row.decode("ref_id", as: String?.self) ?? ""))
    }
    event.occurredAt = Google_Protobuf_Timestamp(date: try row.decode("occurred_at", as: Date.self))
    event.recordedAt = Google_Protobuf_Timestamp(date: try row.decode("recorded_at", as: Date.self))
    event.idempotencyKey = try row.decode("idempotency_key", as: String?.self) ?? ""
    return event
  }

  // MARK: Helpers

  /// Builds ListContactTags entries (T10, T11).
  func contactTags(_ contacts: [Int64], organizationID: Int64, includeInherited: Bool) async throws
    -> [Int64: [Maac_Tags_V1_ContactTag]]
  {
    let rows = try await pool.withConnection { connection in
      try await associations.rows(
        ofContacts: contacts, organizationID: organizationID, on: connection)
    }
    let now = Date()
    var result: [Int64: [Maac_Tags_V1_ContactTag]] = [:]
    for (contact, associations) in rows {
      let names = Dictionary(
        associations.map { ($0.0.tag, $0.name) }, uniquingKeysWith: { first, _ in first })
      let entries = ContactTagListing.entries(
        from: associations.map(\.0), includeInherited: includeInherited, at: now)
      result[contact] = entries.map { entry in
        let row = entry.association
        var tag = Maac_Tags_V1_ContactTag()
        tag.contactID = row.contactID
        tag.tagID = row.tag.id
        tag.tagName = names[row.tag] ?? ""
        tag.tagSource = ProtoMapping.wire(row.tag.source)
        tag.origin = ProtoMapping.wire(row.origin)
        tag.refType = ProtoMapping.wire(row.refType)
        tag.firstTaggedAt = Google_Protobuf_Timestamp(date: row.firstTaggedAt)
        tag.lastTaggedAt = Google_Protobuf_Timestamp(date: row.lastTaggedAt)
        tag.tagCount = Int32(row.tagCount)
        tag.firstTaggedVia = ProtoMapping.wire(row.firstTaggedVia)
        tag.lastTaggedVia = ProtoMapping.wire(row.lastTaggedVia)
        if let ref = row.lastRef { tag.lastRef = ProtoMapping.wire(ref) }
        if let expires = row.expiresAt { tag.expiresAt = Google_Protobuf_Timestamp(date: expires) }
        tag.alsoInherited = entry.alsoInherited
        return tag
      }
    }
    return result
  }

  static func contactIDs(_ ids: [Int64], field: String = "contact_ids") throws(TagRuleViolation)
    -> [Int64]
  {
    if let bad = ids.firstIndex(where: { $0 <= 0 }) {
      let path = field == "contact_id" ? field : "\(field)[\(bad)]"
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_CONTACT_ID", field: path,
        message: "\(path): must be a positive id")
    }
    return ids
  }

  static func distinct<T: Hashable>(_ values: [T]) -> [T] {
    var seen = Set<T>()
    return values.filter { seen.insert($0).inserted }
  }

  static func origin(_ wire: Maac_Tags_V1_Origin) -> Origin? {
    switch wire {
    case .direct: .direct
    case .inherited: .inherited
    default: nil
    }
  }

  static func wire(_ outcome: AttachOutcome) -> Maac_Tags_V1_AttachOutcome {
    switch outcome {
    case .attached: .attached
    case .reapplied: .reapplied
    case .skippedTagExpired: .skippedTagExpired
    case .tagNotFound: .tagNotFound
    case .tagDeleted: .tagDeleted
    case .contactNotFound: .contactNotFound
    case .duplicateRequest: .duplicateRequest
    }
  }

  static func wire(_ outcome: DetachOutcome) -> Maac_Tags_V1_DetachOutcome {
    switch outcome {
    case .detached: .detached
    case .notAttached: .notAttached
    case .tagNotFound: .tagNotFound
    case .contactNotFound: .contactNotFound
    }
  }
}

/// A (contact, tag) pair of a request.
struct PairKey: Hashable, Sendable {
  let contact: Int64
  let tag: TagKey
}
