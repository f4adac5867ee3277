import ContactsDomain
import Foundation
import MAACContracts
import ServiceKit
import SwiftProtobuf

/// SearchContacts (C63–C67): text lookup + channel scope, cursor-paged and pinned to `as_of`;
/// any other condition is a segment `FilterTree` evaluated by segment and hydrated here (C64).
struct ContactSearch: Sendable {
  let store: ContactStore
  /// Segment; without one a filter answers SEGMENT_UNAVAILABLE (C66).
  var filters: any FilterEvaluator = UnreachableFilterEvaluator()

  /// The lookup an `IdentifierQuery` asks for.
  enum Lookup {
    case all
    case name(String)
    case exact(LookupField, String)

    var isAll: Bool {
      if case .all = self { return true }
      return false
    }
  }

  static func lookup(_ query: Maac_Contacts_V1_IdentifierQuery?) throws -> Lookup {
    guard let query else { return .all }
    func exactPhone(_ raw: String, field: String) throws -> Lookup {
      let phone = try ServiceErrors.domain {
        try PhoneNumber.parse(raw, defaultCountry: nil, field: field)
      }
      return .exact(.phone, phone.e164)
    }
    if query.hasName {
      let name = Text.normalize(query.name)
      guard !name.isEmpty else {
        throw ServiceErrors.invalid(.emptyRequest, field: "query.name", "name must not be empty")
      }
      return .name(name)
    }
    if query.hasLineUid { return .exact(.lineUID, Text.normalize(query.lineUid)) }
    if query.hasFacebookID { return .exact(.facebookID, Text.normalize(query.facebookID)) }
    if query.hasInstagramID { return .exact(.instagramID, Text.normalize(query.instagramID)) }
    if query.hasEmail { return .exact(.email, Text.normalize(query.email).lowercased()) }
    if query.hasPhone { return try exactPhone(query.phone, field: "query.phone") }
    if query.hasCustomerID { return .exact(.customerID, Text.normalize(query.customerID)) }
    if query.hasAny {
      let text = Text.normalize(query.any)
      guard !text.isEmpty else {
        throw ServiceErrors.invalid(.emptyRequest, field: "query.any", "any must not be empty")
      }
      if LineUID.isValid(text) { return .exact(.lineUID, text) }
      if text.contains("@") { return .exact(.email, text.lowercased()) }
      if let phone = try? PhoneNumber.parse(text, defaultCountry: nil, field: "query.any") {
        return .exact(.phone, phone.e164)
      }
      return .name(text)
    }
    return .all
  }

  /// A page token is bound to the filter it was issued for.
  static func fingerprint(of filter: Maac_Segments_V1_FilterTree) -> String {
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    let bytes: Data = (try? filter.serializedBytes(options: options)) ?? Data()
    return bytes.base64EncodedString()
  }

  /// One page of the organization's contacts, their ages counted on `today` (C10).
  func search(
    _ request: Maac_Contacts_V1_SearchContactsRequest, organizationID: Int64, today: CalendarDate
  ) async throws
    -> Maac_Contacts_V1_SearchContactsResponse
  {
    let size = try ServiceErrors.domain { try PageSize.resolve(request.pageSize) }
    let lookup = try Self.lookup(request.hasQuery ? request.query : nil)
    let types = request.channelTypes.compactMap(ContactMapping.channelType)
    let print = Fingerprint.of(
      [
        "search", "\(lookup)", types.map(\.rawValue).joined(separator: ","),
        request.channelIds.map(String.init).joined(separator: ","),
        request.hasFilter ? Self.fingerprint(of: request.filter) : "",
      ])
    let now = Date()
    var asOf = now
    var after: (Int64, Int64)?
    if !request.pageToken.isEmpty {
      let token = try ServiceErrors.domain {
        try PageToken.decode(request.pageToken, fingerprint: print, now: now)
      }
      asOf = Date(timeIntervalSince1970: Double(token.asOfMicros) / 1_000_000)
      after = (token.lastCreatedAtMicros, token.lastID)
    }
    var name: String?
    var exact: (LookupField, String)?
    switch lookup {
    case .all: break
    case .name(let text): name = text
    case .exact(let field, let value): exact = (field, value)
    }
    // C64: segment decides which contacts match; every page asks again (C67: its projection
    // moves on) and the keyset below keeps pages from repeating or skipping (C65).
    var evaluation: FilterEvaluation?
    if request.hasFilter {
      evaluation = try await filters.evaluate(
        request.filter, channelIDs: request.channelIds, organizationID: organizationID)
    }
    let page = try await store.page(
      organizationID: organizationID, nameContains: name, exact: exact, types: types,
      channelIDs: request.channelIds,
      asOf: asOf, after: after, limit: size + 1, ids: evaluation?.contactIDs)
    var response = Maac_Contacts_V1_SearchContactsResponse()
    let contacts = Array(page.contacts.prefix(size))
    response.contacts = contacts.map { ContactMapping.contact($0, today: today) }
    response.asOf = ContactMapping.timestamp(asOf)
    if page.contacts.count > size, let last = contacts.last {
      response.nextPageToken =
        PageToken(
          asOfMicros: Int64((asOf.timeIntervalSince1970 * 1_000_000).rounded(.down)),
          lastCreatedAtMicros: Int64((last.createdAt.timeIntervalSince1970 * 1_000_000).rounded()),
          lastID: last.id,
          fingerprint: print
        ).encoded
    }
    if let dataAsOf = evaluation?.dataAsOf {
      response.filterDataAsOf = ContactMapping.timestamp(dataAsOf)
    }
    if request.includeCount {
      if request.hasFilter, lookup.isAll, types.isEmpty {
        // Only segment's conditions and the channel scope: segment's own count (C64).
        let counted = try await filters.count(
          request.filter, channelIDs: request.channelIds, organizationID: organizationID)
        response.count = counted.count
      } else {
        response.count =
          try await store.page(
            organizationID: organizationID, nameContains: name, exact: exact, types: types,
            channelIDs: request.channelIds, asOf: asOf, after: nil, limit: 0, countOnly: true,
            ids: evaluation?.contactIDs
          ).count
      }
    }
    return response
  }
}
