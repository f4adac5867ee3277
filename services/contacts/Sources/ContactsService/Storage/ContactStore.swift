import ContactsDomain
import Foundation
import PostgresClient
import ServiceKit

/// The contacts of every organization, in the `contact` table. Every query filters on the
/// organization: another organization's contact is simply not found (C73).
struct ContactStore: Sendable {
  let pool: PostgresPool
  let writer: ContactWriter

  init(pool: PostgresPool, outbox: Outbox) {
    self.pool = pool
    self.writer = ContactWriter(outbox: outbox)
  }

  static let notFound = ServiceErrors.make(.notFound, .contactNotFound, "Contact not found")

  // MARK: Reads

  /// A live contact by id.
  func contact(organizationID: Int64, id: Int64, includeDeleted: Bool = false) async throws
    -> Contact?
  {
    let rows = try await pool.query(
      """
      SELECT \(unescaped: ContactRecord.selectList) FROM contact
      WHERE organization_id = \(organizationID) AND id = \(id) AND (\(includeDeleted) OR deleted_at IS NULL)
      """)
    return try rows.first.map { try ContactRecord.decode($0).contact }
  }

  /// A live contact by channel identity (C3): sms identities are per organization.
  func contact(organizationID: Int64, type: ChannelType, channelID: Int64?, externalID: String)
    async throws
    -> Contact?
  {
    let rows = try await pool.query(
      """
      SELECT \(unescaped: ContactRecord.selectList) FROM contact
      WHERE organization_id = \(organizationID) AND channel_type = \(type.rawValue)
        AND (\(type == .sms) OR channel_id = \(channelID)) AND external_id = \(externalID)
        AND deleted_at IS NULL
      """)
    return try rows.first.map { try ContactRecord.decode($0).contact }
  }

  /// Contacts by id (BatchGetContacts).
  func contacts(organizationID: Int64, ids: [Int64], includeDeleted: Bool) async throws -> [Contact]
  {
    let rows = try await pool.query(
      """
      SELECT \(unescaped: ContactRecord.selectList) FROM contact
      WHERE organization_id = \(organizationID) AND id = ANY(\(ids)) AND (\(includeDeleted) OR deleted_at IS NULL)
      ORDER BY id
      """)
    return try rows.map { try ContactRecord.decode($0).contact }
  }

  // MARK: Writes

  /// Inserts a new contact (C3): a taken identity is `ALREADY_EXISTS` naming the existing id.
  func create(_ contact: Contact, cause: ChangeCause) async throws -> Contact {
    try await pool.withTransaction { connection in
      try await create(contact, cause: cause, on: connection)
    }
  }

  /// ``create(_:cause:)`` inside the caller's transaction (a conflict aborts it).
  func create(_ contact: Contact, cause: ChangeCause, on connection: PostgresConnection)
    async throws -> Contact
  {
    do {
      return try await writer.write(
        before: nil, after: contact, clocks: [:], cause: cause, on: connection)
    } catch let error as PostgresError where error.sqlState == .uniqueViolation {
      let existing = try await self.contact(
        organizationID: contact.organizationID, type: contact.channelType,
        channelID: contact.channelID,
        externalID: contact.externalID)
      throw ServiceErrors.make(
        .alreadyExists, .contactAlreadyExists,
        "A contact with this \(contact.channelType.rawValue) identity already exists"
          + (existing.map { " (contact_id \($0.id))" } ?? ""), field: "external_id")
    }
  }

  /// Locks a live contact, lets `change` compute its next state, and writes it with history and
  /// event in one transaction. `change` returns `nil` for "nothing to do".
  func mutate(
    organizationID: Int64, id: Int64, cause: ChangeCause, includeDeleted: Bool = false,
    _ change: (Contact, [String: Date]) throws -> Contact?
  ) async throws -> (contact: Contact, changed: Bool) {
    try await pool.withTransaction { connection in
      try await mutate(
        on: connection, organizationID: organizationID, id: id, cause: cause,
        includeDeleted: includeDeleted, change)
    }
  }

  /// ``mutate(organizationID:id:cause:includeDeleted:_:)`` inside the caller's transaction.
  func mutate(
    on connection: PostgresConnection, organizationID: Int64, id: Int64, cause: ChangeCause,
    includeDeleted: Bool = false,
    _ change: (Contact, [String: Date]) throws -> Contact?
  ) async throws -> (contact: Contact, changed: Bool) {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: ContactRecord.selectList) FROM contact
      WHERE organization_id = \(organizationID) AND id = \(id) AND (\(includeDeleted) OR deleted_at IS NULL)
      FOR UPDATE
      """)
    guard let row = rows.first else { throw Self.notFound }
    let (before, clocks) = try ContactRecord.decode(row)
    guard let after = try change(before, clocks) else { return (before, false) }
    let stored = try await writer.write(
      before: before, after: after, clocks: clocks, cause: cause, on: connection)
    return (stored, stored != before)
  }

  // MARK: Lookup and list

  /// Exact identifier lookup (C63), newest first.
  func lookup(
    organizationID: Int64, field: LookupField, value: String, types: [ChannelType], limit: Int
  ) async throws -> [Contact] {
    let typeNames = types.map(\.rawValue)
    let condition: String
    switch field {
    case .lineUID: condition = "channel_type = 'line' AND external_id = $2"
    case .facebookID: condition = "channel_type = 'facebook' AND external_id = $2"
    case .instagramID: condition = "channel_type = 'instagram' AND external_id = $2"
    case .email:
      condition = "(lower(display_email) = $2 OR (channel_type = 'email' AND external_id = $2))"
    case .phone:
      condition =
        "(display_mobile = $2 OR (channel_type IN ('sms','whatsapp') AND external_id = $2))"
    case .customerID: condition = "customer_id = $2"
    }
    let rows = try await pool.query(
      """
      SELECT * FROM (
        SELECT \(ContactRecord.selectList) FROM contact
        WHERE organization_id = $1 AND deleted_at IS NULL AND \(condition)
          AND (cardinality($3::text[]) = 0 OR channel_type = ANY($3::text[]))
        OFFSET 0) matches
      ORDER BY created_at DESC, id DESC LIMIT $4
      """, [organizationID, value, typeNames, Int64(limit)])
    return try rows.map { try ContactRecord.decode($0).contact }
  }

  /// One page of the list, newest first, pinned to `asOf` (C65); optionally a name substring.
  func page(
    organizationID: Int64, nameContains: String?, exact: (LookupField, String)?,
    types: [ChannelType],
    channelIDs: [Int64], asOf: Date, after: (createdAtMicros: Int64, id: Int64)?, limit: Int,
    countOnly: Bool = false, ids: [Int64]? = nil
  ) async throws -> (contacts: [Contact], count: Int64) {
    var conditions = ["organization_id = $1", "deleted_at IS NULL", "created_at <= $2"]
    var parameters: [(any PostgresEncodable)?] = [organizationID, asOf]
    func bind(_ value: any PostgresEncodable) -> String {
      parameters.append(value)
      return "$\(parameters.count)"
    }
    if !types.isEmpty {
      conditions.append("channel_type = ANY(\(bind(types.map(\.rawValue)))::text[])")
    }
    if !channelIDs.isEmpty { conditions.append("channel_id = ANY(\(bind(channelIDs))::bigint[])") }
    // Ids a segment filter matched (C64).
    if let ids { conditions.append("id = ANY(\(bind(ids))::bigint[])") }
    if let name = nameContains {
      let pattern = bind(
        "%"
          + name.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
          .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
          + "%")
      conditions.append(
        "(lower(coalesce(display_name,'')) LIKE \(pattern) OR lower(coalesce(original_name,'')) LIKE \(pattern))"
      )
    }
    if let (field, value) = exact {
      let p = bind(value)
      switch field {
      case .lineUID: conditions.append("channel_type = 'line' AND external_id = \(p)")
      case .facebookID: conditions.append("channel_type = 'facebook' AND external_id = \(p)")
      case .instagramID: conditions.append("channel_type = 'instagram' AND external_id = \(p)")
      case .email:
        conditions.append(
          "(lower(display_email) = \(p) OR (channel_type = 'email' AND external_id = \(p)))")
      case .phone:
        conditions.append(
          "(display_mobile = \(p) OR (channel_type IN ('sms','whatsapp') AND external_id = \(p)))")
      case .customerID: conditions.append("customer_id = \(p)")
      }
    }
    if let after {
      let created = bind(Date(timeIntervalSince1970: Double(after.createdAtMicros) / 1_000_000))
      let id = bind(after.id)
      conditions.append("(created_at, id) < (\(created), \(id))")
    }
    if countOnly {
      let rows = try await pool.query(
        "SELECT count(*) AS n FROM contact WHERE \(conditions.joined(separator: " AND "))",
        parameters)
      return ([], try rows[0].decode("n", as: Int64.self))
    }
    let limitParameter = bind(Int64(limit))
    // An exact identifier matches few rows: filter through its index first (OFFSET 0 keeps the
    // planner from walking the list index in order instead).
    let source =
      exact == nil
      ? "contact WHERE \(conditions.joined(separator: " AND "))"
      : "(SELECT * FROM contact WHERE \(conditions.joined(separator: " AND ")) OFFSET 0) matches"
    let rows = try await pool.query(
      """
      SELECT \(ContactRecord.selectList) FROM \(source)
      ORDER BY created_at DESC, id DESC LIMIT \(limitParameter)
      """, parameters)
    return (try rows.map { try ContactRecord.decode($0).contact }, 0)
  }

  /// Counts of one snapshot (C71): one grouped query.
  func stats(organizationID: Int64, channelID: Int64?) async throws -> ContactStats {
    try await pool.withTransaction { connection in
      let now = try await connection.query("SELECT now() AS now")[0].decode("now", as: Date.self)
      let rows = try await connection.query(
        """
        SELECT channel_type,
          CASE channel_type WHEN 'line' THEN line_follow_status WHEN 'email' THEN email_status
            WHEN 'whatsapp' THEN whatsapp_status WHEN 'sms' THEN phone_status END AS status,
          (customer_id IS NOT NULL AND customer_id <> '') AS bound, count(*) AS n
        FROM contact
        WHERE organization_id = \(organizationID) AND deleted_at IS NULL
          AND (\(channelID)::bigint IS NULL OR channel_id = \(channelID))
        GROUP BY 1, 2, 3
        """)
      let groups = try rows.compactMap { row -> ContactCountGroup? in
        guard let type = ChannelType(rawValue: try row.decode("channel_type", as: String.self))
        else { return nil }
        return ContactCountGroup(
          channelType: type, status: try row.decode("status", as: String?.self),
          bound: try row.decode("bound", as: Bool.self), count: try row.decode("n", as: Int64.self))
      }
      return ContactStats(asOf: now, groups: groups)
    }
  }

  /// Totals per channel (ListChannelContactCounts).
  func channelCounts(organizationID: Int64, channelIDs: [Int64]) async throws -> [(
    Int64, Int64, Int64
  )] {
    let rows = try await pool.query(
      """
      SELECT channel_id, count(*) AS total, count(*) FILTER (WHERE line_follow_status = 'following') AS following
      FROM contact
      WHERE organization_id = \(organizationID) AND deleted_at IS NULL AND channel_id IS NOT NULL
        AND (cardinality(\(channelIDs)::bigint[]) = 0 OR channel_id = ANY(\(channelIDs)::bigint[]))
      GROUP BY channel_id ORDER BY channel_id
      """)
    return try rows.map {
      (
        try $0.decode("channel_id", as: Int64.self), try $0.decode("total", as: Int64.self),
        try $0.decode("following", as: Int64.self)
      )
    }
  }
}

/// The identifiers an exact lookup may use (C63).
enum LookupField: String, Sendable {
  case lineUID = "line_uid"
  case facebookID = "facebook_id"
  case instagramID = "instagram_id"
  case email
  case phone
  case customerID = "customer_id"
}
