import Foundation
import GRPCCore
import MAACContracts
import Testing

@testable import TagsService

@Suite("Tag definitions over gRPC")
struct DefinitionTests {
  @Test(
    "T1/T2/T6/T27: create validates names, refuses duplicates, is readable at once, and hides other orgs"
  )
  func createAndRead() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let vip = try await tags.create("  VIP　", org: 1)
        #expect(vip.name == "VIP")
        #expect(vip.source == .maac)
        #expect(vip.status == .active)
        #expect(vip.memberCount == 0)
        // T6: usable by GetTag, BatchGetTags, ListTags and AttachTags immediately.
        #expect(try await tags.tag(vip.id, org: 1).name == "VIP")
        var batch = Maac_Tags_V1_BatchGetTagsRequest()
        batch.tagIds = [vip.id, 999_999]
        let found = try await tags.batchGetTags(batch, metadata: tenant(1))
        #expect(found.tags.map(\.id) == [vip.id])
        #expect(found.missingIds == [999_999])
        let attached = try await tags.attach([vip.id], to: [10], org: 1)
        #expect(attached.results.first?.outcome == .attached)

        await expectError(.alreadyExists, reason: "TAG_NAME_EXISTS", field: "name") {
          _ = try await tags.create("VIP", org: 1)
        }
        await expectError(.invalidArgument, reason: "TAG_NAME_EMPTY", field: "name") {
          _ = try await tags.create("   ", org: 1)
        }
        await expectError(.invalidArgument, reason: "TAG_NAME_TOO_LONG", field: "name") {
          _ = try await tags.create(String(repeating: "標", count: 51), org: 1)
        }
        #expect(try await tags.create(String(repeating: "標", count: 50), org: 1).name.count == 50)
        await expectError(.invalidArgument, reason: "TAG_NAME_INVALID_CHARS", field: "name") {
          _ = try await tags.create("bad\u{FFFD}", org: 1)
        }
        // T2: names in other organizations are independent; T27: ids of others are NOT_FOUND.
        let other = try await tags.create("VIP", org: 2)
        #expect(other.id != vip.id)
        await expectError(.notFound, reason: "TAG_NOT_FOUND") {
          _ = try await tags.tag(vip.id, org: 2)
        }
        let foreign = try await tags.batchGetTags(batch, metadata: tenant(2))
        #expect(foreign.tags.isEmpty)
        let foreignAttach = try await tags.attach([vip.id], to: [10], org: 2)
        #expect(foreignAttach.results.first?.outcome == .tagNotFound)
        // Calls without an organization are refused before any handler runs.
        await #expect(throws: RPCError.self) {
          _ = try await tags.createTag(Maac_Tags_V1_CreateTagRequest(), metadata: [:])
        }
      }
    }
  }

  @Test("T20: expiry fields are validated and named")
  func expiryValidation() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        var relative = Maac_Tags_V1_Expiry()
        relative.mode = .relative
        relative.ttlDays = 0
        await expectError(.invalidArgument, reason: "INVALID_EXPIRY", field: "expiry.ttl_days") {
          _ = try await tags.create("A", org: 1, expiry: relative)
        }
        var past = Maac_Tags_V1_Expiry()
        past.mode = .absolute
        past.expireAt = .init(date: Date().addingTimeInterval(-60))
        await expectError(.invalidArgument, reason: "INVALID_EXPIRY", field: "expiry.expire_at") {
          _ = try await tags.create("B", org: 1, expiry: past)
        }
        relative.ttlDays = 30
        let tag = try await tags.create("C", org: 1, expiry: relative)
        #expect(tag.expiry.mode == .relative)
        #expect(tag.expiry.ttlDays == 30)
      }
    }
  }

  @Test(
    "T4: rename keeps id, members and history, bumps version; stale expected_version is refused")
  func rename() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("Old", org: 1)
        _ = try await tags.attach([tag.id], to: [1, 2], org: 1)
        _ = try await tags.create("Taken", org: 1)
        var rename = Maac_Tags_V1_UpdateTagRequest()
        rename.tagID = tag.id
        rename.name = "New"
        rename.expectedVersion = 1
        let renamed = try await tags.updateTag(rename, metadata: tenant(1))
        #expect(renamed.id == tag.id)
        #expect(renamed.name == "New")
        #expect(renamed.version == 2)
        #expect(renamed.memberCount == 2)
        #expect(try await tags.contactTags(1, org: 1).first?.tagName == "New")
        await expectError(
          .failedPrecondition, reason: "VERSION_CONFLICT", field: "expected_version"
        ) {
          _ = try await tags.updateTag(rename, metadata: tenant(1))
        }
        rename.clearExpectedVersion()
        rename.name = "Taken"
        await expectError(.alreadyExists, reason: "TAG_NAME_EXISTS", field: "name") {
          _ = try await tags.updateTag(rename, metadata: tenant(1))
        }
        await expectError(.notFound, reason: "TAG_NOT_FOUND") {
          _ = try await tags.updateTag(rename, metadata: tenant(2))
        }
      }
    }
  }

  @Test(
    "T5/T19: EnsureTags gets or creates per name; bad names are per-item; concurrent calls share ids"
  )
  func ensure() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let existing = try await tags.create("Gold", org: 1)
        var request = Maac_Tags_V1_EnsureTagsRequest()
        request.names = ["Gold", " Silver ", "", "Silver", "x\u{0}"]
        let response = try await tags.ensureTags(request, metadata: tenant(1))
        #expect(
          response.results.map(\.outcome) == [.existing, .created, .invalid, .existing, .invalid])
        #expect(response.results[0].tag.id == existing.id)
        #expect(response.results[1].normalizedName == "Silver")
        #expect(response.results[1].tag.id == response.results[3].tag.id)
        #expect(response.results[2].errorReason == "TAG_NAME_EMPTY")
        #expect(response.results[4].errorReason == "TAG_NAME_INVALID_CHARS")
        await expectError(.invalidArgument, reason: "EMPTY_REQUEST", field: "names") {
          _ = try await tags.ensureTags(Maac_Tags_V1_EnsureTagsRequest(), metadata: tenant(1))
        }
        var fresh = Maac_Tags_V1_EnsureTagsRequest()
        fresh.names = ["Fresh"]
        let concurrent = fresh
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
          for _ in 0..<6 {
            group.addTask {
              try await tags.ensureTags(concurrent, metadata: tenant(1)).results[0].tag.id
            }
          }
          return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        // T5: a deleted name is not resurrected; a new id is created.
        var delete = Maac_Tags_V1_DeleteTagRequest()
        delete.tagID = existing.id
        _ = try await tags.deleteTag(delete, metadata: tenant(1))
        var again = Maac_Tags_V1_EnsureTagsRequest()
        again.names = ["Gold"]
        let recreated = try await tags.ensureTags(again, metadata: tenant(1)).results[0]
        #expect(recreated.outcome == .created)
        #expect(recreated.tag.id != existing.id)
      }
    }
  }

  @Test(
    "T13/T28: ListTags sorts globally then pages; pages of any size concatenate; bad tokens are refused"
  )
  func listOrder() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        var created: [Maac_Tags_V1_Tag] = []
        for index in 0..<23 {
          let tag = try await tags.create("tag-\(index)", org: 1)
          created.append(tag)
          if index % 4 != 0 {
            _ = try await tags.attach([tag.id], to: Array(1...Int64(index % 5 + 1)), org: 1)
          }
        }
        _ = try await tags.create("other org", org: 2)
        func all(pageSize: Int32, sort: Maac_Tags_V1_TagSortBy = .unspecified) async throws
          -> [Int64]
        {
          var ids: [Int64] = []
          var request = Maac_Tags_V1_ListTagsRequest()
          request.pageSize = pageSize
          request.sortBy = sort
          repeat {
            let page = try await tags.listTags(request, metadata: tenant(1))
            #expect(page.totalCount == 23)
            ids += page.tags.map(\.id)
            request.pageToken = page.nextPageToken
          } while !request.pageToken.isEmpty
          return ids
        }
        let global = try await all(pageSize: 1000)
        let expected = try await withThrowingTaskGroup(of: Maac_Tags_V1_Tag.self) { group in
          for tag in created { group.addTask { try await tags.tag(tag.id, org: 1) } }
          return try await group.reduce(into: []) { $0.append($1) }
        }.sorted { ($0.memberCount, $0.id) > ($1.memberCount, $1.id) }.map(\.id)
        #expect(global == expected)
        #expect(try await all(pageSize: 5) == global)
        #expect(try await all(pageSize: 1) == global)
        let byName = try await all(pageSize: 4, sort: .name)
        #expect(byName == (try await all(pageSize: 100, sort: .name)))
        var first = Maac_Tags_V1_ListTagsRequest()
        first.pageSize = 5
        let page = try await tags.listTags(first, metadata: tenant(1))
        var mismatched = Maac_Tags_V1_ListTagsRequest()
        mismatched.sortBy = .name
        mismatched.pageToken = page.nextPageToken
        await expectError(.invalidArgument, reason: "INVALID_PAGINATION", field: "page_token") {
          _ = try await tags.listTags(mismatched, metadata: tenant(1))
        }
        var tooBig = Maac_Tags_V1_ListTagsRequest()
        tooBig.pageSize = 1001
        await expectError(.invalidArgument, reason: "INVALID_PAGINATION", field: "page_size") {
          _ = try await tags.listTags(tooBig, metadata: tenant(1))
        }
      }
    }
  }
}
