import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import SegmentsService
import ServiceKit
import Testing

@Suite("Filtered lists through segment (C64, C66, C67)")
struct FilteredSearchTests {
  /// Contacts wired to a stand-in segment served over the real transport.
  static func run(
    _ body: (StandInSegments, Clients) async throws -> Void
  ) async throws {
    let segments = StandInSegments()
    let server = try await PeerHarness.serve("segments", [segments])
    do {
      try await withTestClient(to: server.address) { segmentsClient in
        try await PeerHarness.run(
          peers: ContactsPeers(filters: SegmentFilterClient(client: segmentsClient))
        ) { _, client in
          try await body(segments, Clients(client))
        }
      }
    } catch {
      await server.stop()
      throw error
    }
    await server.stop()
  }

  static func search(
    _ api: Clients, filter: Maac_Segments_V1_FilterTree?, pageSize: Int32 = 100,
    token: String = "", count: Bool = false, org: Int64 = ContactsHarness.orgA,
    requestID: String = RequestID.generate(),
    configure: (inout Maac_Contacts_V1_SearchContactsRequest) -> Void = { _ in }
  ) async throws -> Maac_Contacts_V1_SearchContactsResponse {
    var request = Maac_Contacts_V1_SearchContactsRequest()
    if let filter { request.filter = filter }
    request.pageSize = pageSize
    request.pageToken = token
    request.includeCount = count
    configure(&request)
    return try await api.contacts.searchContacts(
      request,
      metadata: CallerContext(organizationID: org, userID: "user-9", requestID: requestID).metadata)
  }

  @Test(
    "C64, C65: a filtered list asks segment for the ids, hydrates them from the store newest first, counts with PreviewFilter and pages without repeats or skips while contacts arrive"
  )
  func filteredList() async throws {
    try await Self.run { segments, api in
      var ids: [Int64] = []
      for n in 1...6 { ids.append(try await api.createLine(n).id) }
      // Segment's projection: contacts 1, 3, 4, 5 and 6 carry tag 7; an id of another
      // organization's contact must never be hydrated.
      let stranger = try await api.createLine(
        99, org: ContactsHarness.orgB, channel: ContactsHarness.lineB)
      segments.setMembers(tag: 7, [ids[0], ids[2], ids[3], ids[4], ids[5], stranger.id])
      let filter = StandInSegments.tagFilter(7)
      let requestID = RequestID.generate()
      let first = try await Self.search(api, filter: filter, pageSize: 2, requestID: requestID)
      // The newest matching contact of org A first; org B's id is never hydrated.
      #expect(first.contacts.map(\.id) == [ids[5], ids[4]])
      #expect(!first.nextPageToken.isEmpty)
      #expect(first.filterDataAsOf.seconds == 1_800_000_000)
      // The evaluation ran in segment under the caller's organization and request id.
      let evaluate = try #require(segments.calls.first { $0.method == "EvaluateFilter" })
      #expect(evaluate.organizationID == ContactsHarness.orgA)
      #expect(evaluate.requestID == requestID)
      // A contact arrives and joins the segment between pages: the pinned list ignores it.
      let late = try await api.createLine(7)
      segments.setMembers(tag: 7, [ids[0], ids[2], ids[3], ids[4], ids[5], late.id, stranger.id])
      let second = try await Self.search(
        api, filter: filter, pageSize: 2, token: first.nextPageToken)
      #expect(second.contacts.map(\.id) == [ids[3], ids[2]])
      let third = try await Self.search(
        api, filter: filter, pageSize: 2, token: second.nextPageToken)
      #expect(third.contacts.map(\.id) == [ids[0]])
      #expect(third.nextPageToken.isEmpty)
      // A token is bound to its filter.
      await expectRPCError(.invalidArgument) {
        _ = try await Self.search(
          api, filter: StandInSegments.tagFilter(8), pageSize: 2, token: first.nextPageToken)
      }
      // The total is segment's own count (PreviewFilter) when only the filter narrows.
      segments.setMembers(tag: 7, [ids[0], ids[2], ids[3], ids[4], ids[5]])
      let counted = try await Self.search(api, filter: filter, pageSize: 1, count: true)
      #expect(counted.count == 5)
      #expect(segments.calls.contains { $0.method == "PreviewFilter" })
      // Filter + text lookup + channel scope: segment gets the scope, the store intersects.
      let scoped = try await Self.search(api, filter: filter, count: true) {
        $0.query.lineUid = uid(4)
        $0.channelIds = [ContactsHarness.line]
      }
      #expect(scoped.contacts.map(\.id) == [ids[3]])
      #expect(scoped.count == 1)
      #expect(
        segments.calls.last { $0.method == "EvaluateFilter" }?.channelIDs == [ContactsHarness.line])
    }
  }

  @Test(
    "C66: a filter segment rejects is INVALID_ARGUMENT with segment's reason; segment down, not deployed (UNIMPLEMENTED) or not configured is UNAVAILABLE SEGMENT_UNAVAILABLE, never 400"
  )
  func filterErrors() async throws {
    try await Self.run { segments, api in
      _ = try await api.createLine(1)
      await expectRPCError(.invalidArgument, field: "conditions[0].value", reason: "UNKNOWN_TAG") {
        _ = try await Self.search(api, filter: StandInSegments.tagFilter(999))
      }
      // Segment's reason travels on as the reason trailer the gateway renders.
      do {
        _ = try await Self.search(api, filter: StandInSegments.tagFilter(999))
      } catch let error as RPCError {
        #expect(
          Array(error.metadata[stringValues: ServiceError.reasonMetadataKey]) == ["UNKNOWN_TAG"])
      }
      segments.setDown(true)
      await expectRPCError(.unavailable, reason: "SEGMENT_UNAVAILABLE") {
        _ = try await Self.search(api, filter: StandInSegments.tagFilter(7))
      }
      // Without a filter the list never needs segment (C63, C65).
      #expect(try await Self.search(api, filter: nil).contacts.count == 1)
    }
    // The segments service of main (its skeleton answers UNIMPLEMENTED for now).
    let skeleton = try await PeerHarness.serve("segments", SegmentsServices.all())
    do {
      try await withTestClient(to: skeleton.address) { segmentsClient in
        try await PeerHarness.run(
          peers: ContactsPeers(filters: SegmentFilterClient(client: segmentsClient))
        ) { _, client in
          await expectRPCError(.unavailable, reason: "SEGMENT_UNAVAILABLE") {
            _ = try await Self.search(Clients(client), filter: StandInSegments.tagFilter(7))
          }
        }
      }
    } catch {
      await skeleton.stop()
      throw error
    }
    await skeleton.stop()
    // No segment configured at all.
    try await PeerHarness.run(peers: ContactsPeers()) { _, client in
      await expectRPCError(.unavailable, reason: "SEGMENT_UNAVAILABLE") {
        _ = try await Self.search(Clients(client), filter: StandInSegments.tagFilter(7))
      }
    }
  }

  @Test(
    "C67: GetContact, BatchGetContacts and lookups read the store and are current at once, even while segment is down; filtered lists reflect segment's projection and say how fresh it is"
  )
  func freshness() async throws {
    try await Self.run { segments, api in
      let contact = try await api.createLine(1, fields: .with { $0.city = "Tainan" })
      segments.setMembers(tag: 7, [])  // segment's projection has not seen the contact yet
      segments.setDown(true)
      var update = Maac_Contacts_V1_UpdateContactRequest()
      update.contactID = contact.id
      update.fields = .with { $0.city = "Taipei" }
      update.updateMask = .init(protoPaths: ["city"])
      _ = try await api.contacts.updateContact(update, metadata: As.user(ContactsHarness.orgA))
      #expect(try await api.get(contact.id).city == "Taipei")
      var batch = Maac_Contacts_V1_BatchGetContactsRequest()
      batch.contactIds = [contact.id]
      let fetched = try await api.internals.batchGetContacts(
        batch, metadata: As.service(ContactsHarness.orgA))
      #expect(fetched.contacts.map(\.city) == ["Taipei"])
      let lookup = try await Self.search(api, filter: nil) { $0.query.lineUid = uid(1) }
      #expect(lookup.contacts.map(\.city) == ["Taipei"])
      // The filtered list is segment's view: empty until its projection includes the contact.
      segments.setDown(false)
      let before = try await Self.search(api, filter: StandInSegments.tagFilter(7))
      #expect(before.contacts.isEmpty)
      #expect(before.filterDataAsOf.seconds == 1_800_000_000)
      segments.setMembers(tag: 7, [contact.id])
      segments.state.withLock { $0.dataAsOf = Date(timeIntervalSince1970: 1_800_000_060) }
      let after = try await Self.search(api, filter: StandInSegments.tagFilter(7))
      #expect(after.contacts.map(\.city) == ["Taipei"])  // hydrated from the store: current
      #expect(after.filterDataAsOf.seconds == 1_800_000_060)
    }
  }

  @Test(
    "C64, C75: an export of a filtered list holds exactly the contacts segment matched in the organization"
  )
  func filteredExport() async throws {
    try await Self.run { segments, api in
      var ids: [Int64] = []
      for n in 1...4 { ids.append(try await api.createLine(n).id) }
      let stranger = try await api.createLine(
        99, org: ContactsHarness.orgB, channel: ContactsHarness.lineB)
      segments.setMembers(tag: 7, [ids[1], ids[3], stranger.id])
      var request = Maac_Contacts_V1_CreateExportTaskRequest()
      request.search = .with { $0.filter = StandInSegments.tagFilter(7) }
      let task = try await api.contacts.createExportTask(
        request, metadata: As.user(ContactsHarness.orgA))
      var get = Maac_Contacts_V1_GetExportTaskRequest()
      get.taskID = task.taskID
      var state = task
      for _ in 0..<400 where state.status != .succeeded && state.status != .failed {
        try await Task.sleep(for: .milliseconds(50))
        state = try await api.contacts.getExportTask(get, metadata: As.user(ContactsHarness.orgA))
      }
      #expect(state.status == .succeeded, "\(state.error)")
      #expect(state.rowCount == 2)
      let data = try await api.contacts.downloadExport(get, metadata: As.user(ContactsHarness.orgA))
      { response in
        var data = Data()
        for try await chunk in response.messages { data.append(chunk.data) }
        return data
      }
      let records = try CSVReaderShim.records(data)
      let column = try #require(records.first?.firstIndex(of: "contact_id"))
      let exported = records.dropFirst().map { $0[column] }.sorted()
      #expect(exported == [ids[1], ids[3]].map(String.init).sorted())
      #expect(segments.calls.contains { $0.method == "EvaluateFilter" })
    }
  }
}
