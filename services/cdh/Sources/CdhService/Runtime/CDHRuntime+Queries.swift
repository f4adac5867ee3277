import CDHDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf

extension CDHRuntime {
  /// FNV-1a: stable across processes, unlike `hashValue` (page tokens survive restarts).
  static func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }

  func listImports(caller: OrgRef, statuses: [String], before: Int64, limit: Int) async throws
    -> [ImportTaskRecord]
  {
    try await pool.query(
      """
      SELECT \(unescaped: Self.taskColumns) FROM import_task
      WHERE organization_id = \(caller.orgID) AND task_id < \(before)
        AND (cardinality(\(statuses)::text[]) = 0 OR status = ANY(\(statuses)::text[]))
      ORDER BY task_id DESC LIMIT \(Int64(limit))
      """
    ).map(Self.task)
  }

  /// U44: the caller org's audit entries in a time range, narrowed by the filters, ordered by
  /// (occurred_at, id) with keyset paging.
  func queryAudit(_ request: Maac_Cdh_V1_QueryAuditLogRequest, caller: OrgRef) async throws
    -> Maac_Cdh_V1_QueryAuditLogResponse
  {
    guard request.hasFrom, request.hasTo else {
      throw ServiceError.invalidArgument(field: "from", "time range is required")
    }
    let from = request.from.date
    let to = request.to.date
    guard from < to else {
      throw ServiceError.invalidArgument(field: "from", "from must be before to")
    }
    guard to.timeIntervalSince(from) <= 92 * 86_400 else {
      throw ServiceError.invalidArgument(field: "to", "time range must not exceed 92 days")
    }
    let pageSize = Int(request.pageSize == 0 ? 100 : request.pageSize)
    guard (1...1000).contains(pageSize) else {
      throw ServiceError.invalidArgument(field: "page_size", "page_size must be between 1 and 1000")
    }
    var member: MemberRef?
    if request.hasMember {
      member = try HandlerSupport.domain { () throws(DomainError) in
        try ContractMapping.member(request.member)
      }
    }
    let types = request.eventTypes.compactMap { type -> String? in
      switch type {
      case .attributeChanged: "attribute_changed"
      case .unificationChanged: "unification_changed"
      case .settingsChanged: "settings_changed"
      case .scopeChanged: "scope_changed"
      case .profileUpdated: "profile_updated"
      case .unmerged: "unmerged"
      case .importApplied: "import_applied"
      case .tagChanged: "tag_changed"
      default: nil
      }
    }
    // The token binds the position to the query it came from.
    let fingerprint = String(
      Self.stableHash(
        "\(caller.orgID)|\(from.timeIntervalSince1970)|\(to.timeIntervalSince1970)|\(member?.description ?? "")|\(request.lineUid)|\(request.profileID)|\(request.channelID)|\(types)|\(request.attribute)"
      ), radix: 16)
    var afterMicros: Int64 = Int64.min
    var afterID: Int64 = 0
    if !request.pageToken.isEmpty {
      guard
        let text = Data(base64Encoded: request.pageToken).flatMap({
          String(data: $0, encoding: .utf8)
        })
      else {
        throw ServiceError.invalidArgument(field: "page_token", "invalid page_token")
      }
      let parts = text.split(separator: ":")
      guard parts.count == 3, parts[0] == fingerprint, let micros = Int64(parts[1]),
        let id = Int64(parts[2])
      else { throw ServiceError.invalidArgument(field: "page_token", "invalid page_token") }
      afterMicros = micros
      afterID = id
    }
    let memberSource = member?.source.rawValue
    let memberID = member?.memberID
    let lineUID = request.lineUid.isEmpty ? nil : request.lineUid
    let profileID = request.profileID == 0 ? nil : request.profileID
    let channelID = request.channelID == 0 ? nil : request.channelID
    let attribute = request.attribute.isEmpty ? nil : request.attribute
    let rows = try await pool.query(
      """
      SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_us, occurred_at, recorded_at,
             unify_scope_id, organization_id, source, member_id, line_uid, profile_id,
             previous_profile_id, event_type, attribute, previous_value, new_value, actor_type, actor_id,
             correlation_id, details
      FROM audit_log
      WHERE organization_id = \(caller.orgID) AND occurred_at >= \(from) AND occurred_at < \(to)
        AND (\(memberSource)::text IS NULL OR (source = \(memberSource) AND member_id = \(memberID)))
        AND (\(lineUID)::text IS NULL OR line_uid = \(lineUID))
        AND (\(profileID)::bigint IS NULL OR profile_id = \(profileID) OR previous_profile_id = \(profileID))
        AND (\(channelID)::bigint IS NULL OR channel_id = \(channelID))
        AND (cardinality(\(types)::text[]) = 0 OR event_type = ANY(\(types)::text[]))
        AND (\(attribute)::text IS NULL OR attribute = \(attribute))
        AND ((extract(epoch FROM occurred_at) * 1000000)::bigint, id) > (\(afterMicros), \(afterID))
      ORDER BY occurred_at, id
      LIMIT \(Int64(pageSize + 1))
      """)
    var response = Maac_Cdh_V1_QueryAuditLogResponse()
    for row in rows.prefix(pageSize) {
      var entry = Maac_Cdh_V1_AuditLogEntry()
      entry.id = try row.decode("id", as: Int64.self)
      entry.occurredAt = Google_Protobuf_Timestamp(
        date: try row.decode("occurred_at", as: Date.self))
      entry.recordedAt = Google_Protobuf_Timestamp(
        date: try row.decode("recorded_at", as: Date.self))
      entry.unifyScopeID = try row.decode("unify_scope_id", as: Int64.self)
      entry.org = .with {
        $0.orgID = caller.orgID
        $0.source = .maac
      }
      if let source = try row.decode("source", as: String?.self),
        let id = try row.decode("member_id", as: Int64?.self)
      {
        entry.member = ContractMapping.memberRef(
          MemberRef(MemberSource(rawValue: source) ?? .maac, id))
      }
      entry.profileID = try row.decode("profile_id", as: Int64?.self) ?? 0
      entry.previousProfileID = try row.decode("previous_profile_id", as: Int64?.self) ?? 0
      switch try row.decode("event_type", as: String.self) {
      case "attribute_changed": entry.eventType = .attributeChanged
      case "unification_changed": entry.eventType = .unificationChanged
      case "settings_changed": entry.eventType = .settingsChanged
      case "scope_changed": entry.eventType = .scopeChanged
      case "profile_updated": entry.eventType = .profileUpdated
      case "unmerged": entry.eventType = .unmerged
      case "import_applied": entry.eventType = .importApplied
      default: entry.eventType = .tagChanged
      }
      entry.attribute = try row.decode("attribute", as: String?.self) ?? ""
      if let value = try row.decode("previous_value", as: String?.self) {
        entry.previousValue = value
      }
      if let value = try row.decode("new_value", as: String?.self) { entry.newValue = value }
      if let value = try row.decode("line_uid", as: String?.self) { entry.lineUid = value }
      entry.actor = .with {
        $0.type = (try? row.decode("actor_type", as: String.self)) ?? ""
        $0.id = (try? row.decode("actor_id", as: String.self)) ?? ""
      }
      entry.correlationID = try row.decode("correlation_id", as: String.self)
      let details = try row.decode("details", as: PostgresJSON.self).decode([String: String].self)
      entry.details = Google_Protobuf_Struct(
        fields: details.mapValues { Google_Protobuf_Value(stringValue: $0) })
      response.entries.append(entry)
    }
    if rows.count > pageSize, let last = rows.prefix(pageSize).last {
      let micros = try last.decode("occurred_us", as: Int64.self)
      let id = try last.decode("id", as: Int64.self)
      response.nextPageToken = Data("\(fingerprint):\(micros):\(id)".utf8).base64EncodedString()
    }
    return response
  }
}
