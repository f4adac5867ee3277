import Foundation
import PostgresClient
import TagsDomain

/// A `ListTags` query (T13): filters plus a total order, sorted globally and then paged by
/// keyset so concatenated pages reproduce the global order.
struct TagListQuery: Sendable {
  var source: TagSource?
  var createdVia: CreatedVia?
  var nameQuery: String?
  var expiredOnly: Bool
  var order: TagListOrder

  /// Identifies the query inside page tokens, so a token is refused for another query.
  var fingerprint: String {
    [
      source?.rawValue ?? "*", createdVia?.rawValue ?? "*", nameQuery ?? "*",
      expiredOnly ? "expired" : "active", order.key.rawValue, order.direction.rawValue,
    ].joined(separator: "|")
  }

  /// SQL expression of the sort key over the inner select `s`.
  private var sortExpression: String {
    switch order.key {
    case .memberCount: "s.member_count"
    case .createdAt: "s.created_micros"
    case .name: "s.name COLLATE \"C\""
    case .updatedAt: "s.updated_micros"
    }
  }

  /// One page after `after` and the total count of matching tags.
  func run(
    organizationID: Int64, after: TagListPosition?, pageSize: Int, on connection: PostgresConnection
  ) async throws -> (records: [TagRecord], next: TagListPosition?, total: Int64) {
    let status =
      expiredOnly
      ? "t.deleted_at IS NULL AND t.expiry_mode = 'absolute' AND t.expire_at <= now()"
      : "t.deleted_at IS NULL AND NOT (t.expiry_mode = 'absolute' AND t.expire_at <= now())"
    // $1..$4 are shared by the page and the count statements.
    let filter = """
      t.organization_id = $1 AND \(status)
        AND ($2::text IS NULL OR t.source = $2)
        AND ($3::text IS NULL OR t.created_via = $3)
        AND ($4::text IS NULL OR position(lower($4) IN lower(t.name)) > 0)
      """
    let filterParameters: [(any PostgresEncodable)?] = [
      organizationID, source?.rawValue, createdVia?.rawValue, nameQuery,
    ]
    let comparison = order.direction == .descending ? "<" : ">"
    let direction = order.direction == .descending ? "DESC" : "ASC"
    var parameters = filterParameters
    var cursor = "true"
    if let after {
      switch after.value {
      case .integer(let value):
        parameters.append(value)
        cursor =
          "(\(sortExpression), s.id, s.source) \(comparison) ($5::bigint, $6::bigint, $7::text)"
      case .text(let value):
        parameters.append(value)
        cursor =
          "(\(sortExpression), s.id, s.source) \(comparison) ($5::text COLLATE \"C\", $6::bigint, $7::text)"
      }
      parameters.append(after.id)
      parameters.append(after.source.rawValue)
    }
    parameters.append(Int64(pageSize + 1))
    let limit = "$\(parameters.count)"
    let query = PostgresQuery(
      """
      SELECT * FROM (
        SELECT \(TagRecord.columns),
          (extract(epoch FROM t.created_at) * 1000000)::bigint AS created_micros,
          (extract(epoch FROM t.updated_at) * 1000000)::bigint AS updated_micros
        FROM \(TagRecord.from)
        WHERE \(filter)
      ) s
      WHERE \(cursor)
      ORDER BY \(sortExpression) \(direction), s.id \(direction), s.source \(direction)
      LIMIT \(limit)
      """, parameters)
    let rows = try await connection.query(query)
    var records = try rows.map(TagRecord.init(row:))
    var next: TagListPosition?
    if records.count > pageSize {
      records.removeLast()
      next = records.last.map { order.position(of: $0.listRow) }
    }
    let total = try await connection.query(
      PostgresQuery("SELECT count(*) AS n FROM tags t WHERE \(filter)", filterParameters)
    )[0].decode("n", as: Int64.self)
    return (records, next, total)
  }
}

extension TagRecord {
  /// The sort values of this tag.
  var listRow: TagListRow {
    TagListRow(
      key: definition.key, memberCount: memberCount, createdAt: definition.createdAt,
      name: definition.name, updatedAt: definition.updatedAt)
  }
}
