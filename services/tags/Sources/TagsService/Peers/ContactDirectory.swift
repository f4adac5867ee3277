import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import PostgresClient
import ServiceKit

/// Existence of contacts for `AttachTags` (T8): contacts the tag manager's event-fed copy
/// (`contact_channel`) has seen are known without a call (the fast path); the others are asked
/// of contacts' `ContactsInternal/BatchGetContacts`, once per request for all of them.
///
/// Without a `contacts` peer (a tag manager run alone, in development or in tests of other
/// rules) the check is off and unknown ids are taken as given. With a peer that cannot answer,
/// the request fails UNAVAILABLE: an id nobody vouched for is never attached silently.
struct ContactDirectory: Sendable {
  /// ServiceKit's client of peer `contacts`, if configured.
  let contacts: GRPCClient<NGHTTP2ClientTransport>?

  /// Of `contactIDs`, those that contacts never created (or that another organization owns, or
  /// that are deleted): they answer `contact_not_found`.
  func missing(_ contactIDs: [Int64], organizationID: Int64, pool: PostgresPool) async throws
    -> Set<Int64>
  {
    guard let contacts, !contactIDs.isEmpty else { return [] }
    // Known to the copy, or known deleted (the attach itself answers those, T25).
    let rows = try await pool.query(
      """
      SELECT c FROM unnest(\(contactIDs)::bigint[]) AS c
      WHERE NOT EXISTS (SELECT 1 FROM contact_channel cc
          WHERE cc.organization_id = \(organizationID) AND cc.contact_id = c)
        AND NOT EXISTS (SELECT 1 FROM deleted_contacts d
          WHERE d.organization_id = \(organizationID) AND d.contact_id = c)
      """)
    let unknown = try rows.map { try $0.decode("c", as: Int64.self) }
    guard !unknown.isEmpty else { return [] }
    var request = Maac_Contacts_V1_BatchGetContactsRequest()
    request.contactIds = unknown
    let caller = CallerContext(
      organizationID: organizationID, userID: "system:tags",
      requestID: CallerContext.current?.requestID ?? RequestID.generate())
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    let response: Maac_Contacts_V1_BatchGetContactsResponse
    do {
      response = try await Maac_Contacts_V1_ContactsInternal.Client(wrapping: contacts)
        .batchGetContacts(request, metadata: caller.metadata, options: options)
    } catch let error as RPCError {
      throw ServiceError(
        .unavailable,
        "contact_ids: contacts \(unknown.map(String.init).joined(separator: ",")) are unknown to the tag manager and contacts' BatchGetContacts answered \(error.code); nothing was attached",
        field: "contact_ids", reason: "CONTACTS_UNAVAILABLE")
    }
    let live = Set(response.contacts.filter { !$0.hasDeletedAt }.map(\.id))
    return Set(unknown.filter { !live.contains($0) })
  }

  /// Which MAAC members of a `cdh.member_tag.v1` item belong to `organizationID` (T23).
  ///
  /// CDH's items name members by id only; the message carries one organization (the one of
  /// its first member), and a unify scope may hold several MAAC organizations. A member is
  /// placed when the copy holds it in `organizationID`; otherwise contacts is asked
  /// (`BatchGetContacts` for the organization, one call per message and 1,000 ids). Without a `contacts`
  /// peer only the copy can answer: a member the copy holds in another organization is
  /// refused, one it does not know at all is taken as the message's. A member is never
  /// written under an organization that does not own it; contacts unreachable is UNAVAILABLE,
  /// so the consumer retries the message later and nothing is lost.
  func place(_ memberIDs: [Int64], organizationID: Int64, on connection: PostgresConnection)
    async throws -> (placed: Set<Int64>, refused: Set<Int64>)
  {
    guard !memberIDs.isEmpty else { return ([], []) }
    let rows = try await connection.query(
      """
      SELECT m,
        EXISTS (SELECT 1 FROM contact_channel cc
          WHERE cc.organization_id = \(organizationID) AND cc.contact_id = m) AS here,
        EXISTS (SELECT 1 FROM contact_channel cc
          WHERE cc.contact_id = m AND cc.organization_id <> \(organizationID)) AS elsewhere
      FROM unnest(\(memberIDs)::bigint[]) AS m
      """)
    var placed = Set<Int64>()
    var unknown: [Int64] = []
    var elsewhere = Set<Int64>()
    for row in rows {
      let id = try row.decode("m", as: Int64.self)
      if try row.decode("here", as: Bool.self) {
        placed.insert(id)
      } else {
        unknown.append(id)
        if try row.decode("elsewhere", as: Bool.self) { elsewhere.insert(id) }
      }
    }
    guard !unknown.isEmpty else { return (placed, []) }
    guard let contacts else {
      for id in unknown where !elsewhere.contains(id) { placed.insert(id) }
      return (placed, elsewhere)
    }
    let caller = CallerContext(
      organizationID: organizationID, userID: "system:tags", requestID: RequestID.generate())
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    var live = Set<Int64>()
    // BatchGetContacts takes at most 1,000 ids; a profile rarely has more members.
    for start in stride(from: 0, to: unknown.count, by: 1_000) {
      var request = Maac_Contacts_V1_BatchGetContactsRequest()
      request.contactIds = Array(unknown[start..<min(unknown.count, start + 1_000)])
      let response = try await Maac_Contacts_V1_ContactsInternal.Client(wrapping: contacts)
        .batchGetContacts(request, metadata: caller.metadata, options: options)
      live.formUnion(response.contacts.filter { !$0.hasDeletedAt }.map(\.id))
    }
    var refused = Set<Int64>()
    for id in unknown {
      if live.contains(id) { placed.insert(id) } else { refused.insert(id) }
    }
    return (placed, refused)
  }
}
