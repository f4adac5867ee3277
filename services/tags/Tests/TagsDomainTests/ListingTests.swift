import Foundation
import Testing

@testable import TagsDomain

@Suite("Listings and paging")
struct ListingTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func row(_ tag: Int64, _ origin: Origin = .direct, at offset: TimeInterval)
    -> ContactTagAssociation
  {
    ContactTagAssociation(
      contactID: 1, tag: TagKey(id: tag), origin: origin,
      refType: origin == .direct ? .none : .cdhInherited, firstTaggedAt: now + offset,
      firstTaggedVia: origin == .direct ? .manual : .unification)
  }

  @Test("T11: a contact's tags are newest first by first_tagged_at, tie-break tag_id descending")
  func contactOrder() {
    let rows: [ContactTagAssociation] = [
      row(1, at: 10), row(2, at: 30), row(3, at: 20), row(4, at: 30),
    ]
    let entries = ContactTagListing.entries(from: rows, includeInherited: true, at: now + 100)
    #expect(entries.map(\.association.tag.id) == [4, 2, 3, 1])
  }

  @Test("T10/T11: one entry per tag, direct wins over inherited and is marked also_inherited")
  func directWins() {
    let rows: [ContactTagAssociation] = [
      row(1, .inherited, at: 5), row(1, .direct, at: 50), row(2, .inherited, at: 40),
    ]
    let all = ContactTagListing.entries(from: rows, includeInherited: true, at: now + 100)
    #expect(all.count == 2)
    #expect(all[0].association.origin == .direct)
    #expect(all[0].alsoInherited)
    #expect(all[1].association.tag.id == 2)
    #expect(all[1].association.origin == .inherited)
    let directOnly = ContactTagListing.entries(from: rows, includeInherited: false, at: now + 100)
    #expect(directOnly.map(\.association.tag.id) == [1])
  }

  func tags(_ count: Int) -> [TagListRow] {
    (1...count).map { (index: Int) -> TagListRow in
      let created: Date = now.addingTimeInterval(TimeInterval(index % 5))
      let updated: Date = now.addingTimeInterval(TimeInterval(index))
      return TagListRow(
        key: TagKey(id: Int64(index)), memberCount: Int64(index % 7), createdAt: created,
        name: "tag\(index % 11)", updatedAt: updated)
    }
  }

  @Test("T13: member_count desc with id desc tie-break is the default global order")
  func defaultOrder() {
    let order = TagListOrder()
    let sorted = tags(30).sorted(by: order.precedes)
    for (a, b) in zip(sorted, sorted.dropFirst()) {
      let countFirst = a.memberCount > b.memberCount
      let tieBroken = a.memberCount == b.memberCount && a.key.id > b.key.id
      #expect(countFirst || tieBroken)
    }
  }

  @Test("T13: pages of any size concatenate to the global order for every sort key")
  func pagesConcatenate() {
    let rows = tags(97)
    for key in TagSortKey.allCases {
      for direction in [SortDirection.descending, .ascending] {
        let order = TagListOrder(key: key, direction: direction)
        let global = rows.sorted(by: order.precedes).map(\.key)
        for size in [1, 7, 50, 100] {
          var collected: [TagKey] = []
          var cursor: TagListPosition?
          repeat {
            let page = order.page(of: rows, after: cursor, size: size)
            collected += page.rows.map(\.key)
            cursor = page.next
          } while cursor != nil
          #expect(collected == global, "key \(key) \(direction) size \(size)")
        }
      }
    }
  }

  @Test("T13: a row inserted between pages never repeats or shifts earlier rows")
  func stableUnderInserts() {
    let order = TagListOrder(key: .createdAt)
    var rows = tags(20)
    let first = order.page(of: rows, after: nil, size: 10)
    rows.append(
      TagListRow(
        key: TagKey(id: 999), memberCount: 0, createdAt: now + 100, name: "new", updatedAt: now))
    let second = order.page(of: rows, after: first.next, size: 10)
    #expect(Set(first.rows.map(\.key)).isDisjoint(with: second.rows.map(\.key)))
    #expect(!second.rows.contains { $0.key.id == 999 })
  }

  @Test("T13: page tokens are opaque, round-trip, and are refused for another query")
  func pageTokens() throws {
    let position = TagListPosition(value: .text("a/b+c"), id: 5, source: .caac)
    let token = PageToken(query: "q1", position: position)
    let text = token.encoded
    #expect(!text.contains("a/b"))
    #expect(try PageToken<TagListPosition>.decode(text, query: "q1") == token)
    #expect(try PageToken<TagListPosition>.decode("", query: "q1") == nil)
    for (bad, query) in [(text, "q2"), ("!!notatoken", "q1"), ("e30", "q1")] {
      do {
        _ = try PageToken<TagListPosition>.decode(bad, query: query)
        Issue.record("bad token accepted")
      } catch {
        #expect(error.reason == "INVALID_PAGINATION")
        #expect(error.field == "page_token")
      }
    }
  }

  @Test("T28: page_size 0 is the default 100; 1...1000 allowed; others INVALID_PAGINATION")
  func pageSizes() throws {
    #expect(try TagLimits.pageSize(0) == 100)
    #expect(try TagLimits.pageSize(1000) == 1000)
    for bad in [-1, 1001] {
      do {
        _ = try TagLimits.pageSize(bad)
        Issue.record("accepted \(bad)")
      } catch {
        #expect(error.reason == "INVALID_PAGINATION")
        #expect(error.field == "page_size")
      }
    }
  }

  @Test("T28: batch id lists hold 1...1,000 ids; EnsureTags 1...500 names")
  func batchLimits() throws {
    try TagLimits.requireCount(
      1000, field: "tag_ids", maximum: TagLimits.idsPerBatch, tooManyReason: "TOO_MANY_IDS")
    #expect(throws: TagRuleViolation.self) {
      try TagLimits.requireCount(
        1001, field: "tag_ids", maximum: TagLimits.idsPerBatch, tooManyReason: "TOO_MANY_IDS")
    }
    #expect(throws: TagRuleViolation.self) { try EnsureTagsPlan(names: []) }
    #expect(throws: TagRuleViolation.self) {
      try EnsureTagsPlan(names: Array(repeating: "a", count: 501))
    }
    #expect(try EnsureTagsPlan(names: Array(repeating: "a", count: 500)).items.count == 500)
  }

  @Test("T5: EnsureTags validates each name alone; duplicates collapse after normalisation")
  func ensurePlan() throws {
    let plan = try EnsureTagsPlan(names: [
      "VIP", " VIP ", "", "Caf\u{E9}", "Cafe\u{301}", "bad\u{0}",
    ])
    #expect(
      plan.items.map(\.normalizedName) == ["VIP", "VIP", "", "Caf\u{E9}", "Caf\u{E9}", "bad\u{0}"])
    #expect(plan.items[2].violation?.reason == "TAG_NAME_EMPTY")
    #expect(plan.items[2].violation?.field == "names[2]")
    #expect(plan.items[5].violation?.reason == "TAG_NAME_INVALID_CHARS")
    #expect(plan.distinctValidNames.map(\.value) == ["VIP", "Caf\u{E9}"])
  }
}
