import Foundation
import Testing

/// Every tags route of `tags.md` §6 through the real gateway against the real tag manager.
@Suite("Gateway → real tags service")
struct RealTagsTests {
  @Test("Tags family end to end: create, read, list, update, delete, lower-case enums")
  func endToEnd() async throws {
    try await ServiceStack.with { stack in
      let org1 = try await stack.token(stack.orgA)
      let org2 = try await stack.token(stack.orgB)
      let created = try await stack.client.send(
        "POST", "/api/tag/v1/tags", token: org1, json: ["name": "VIP"])
      #expect(created.status == 201)
      #expect(created.object["source"] as? String == "maac")
      #expect(created.object["status"] as? String == "active")
      #expect(RealContactsTests.isRFC3339UTC(created.object["created_at"]))
      let id = try #require(created.object["id"] as? Int)
      let read = try await stack.client.send("GET", "/api/tag/v1/tags/\(id)", token: org1)
      #expect(read.status == 200)
      #expect(read.object["name"] as? String == "VIP")
      let list = try await stack.client.send(
        "GET", "/api/tag/v1/tags?limit=10&source=maac&status=active&sort=name&order=asc",
        token: org1)
      #expect(list.status == 200, "\(String(decoding: list.body, as: UTF8.self))")
      #expect(
        (list.object["results"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }.contains(id)
          == true)
      #expect(list.object["count"] as? Int == 1)
      #expect(list.object["next_cursor"] is NSNull)
      let otherList = try await stack.client.send("GET", "/api/tag/v1/tags", token: org2)
      #expect((otherList.object["results"] as? [Any])?.isEmpty == true)
      #expect(otherList.object["count"] as? Int == 0)
      let cdp = try await stack.client.send("GET", "/api/cdp/v1/tags?source=maac", token: org1)
      #expect(cdp.status == 200)
      #expect((cdp.json as? [[String: Any]])?.first?["name"] as? String == "VIP")
      #expect((cdp.json as? [[String: Any]])?.first?["source"] as? String == "maac")
      let renamed = try await stack.client.send(
        "PATCH", "/api/tag/v1/tags/\(id)", token: org1, json: ["name": "VIP+"])
      #expect(renamed.status == 200, "\(String(decoding: renamed.body, as: UTF8.self))")
      #expect(renamed.object["name"] as? String == "VIP+")
      let duplicate = try await stack.client.send(
        "POST", "/api/tag/v1/tags", token: org1, json: ["name": "VIP+"])
      #expect([400, 409].contains(duplicate.status))
      #expect(duplicate.object["code"] is String)
      let contactTags = try await stack.client.send(
        "GET", "/api/tag/v1/contacts/5/tags", token: org1)
      #expect(contactTags.status == 200)
      #expect(contactTags.json is [Any])
      let job = try await stack.client.send(
        "POST", "/api/tag/v1/bulk-jobs", token: org1,
        json: ["action": "add", "tag_ids": [id], "target": ["contact_ids": ["contact_ids": [5]]]])
      #expect(job.status == 202, "\(String(decoding: job.body, as: UTF8.self))")
      #expect(job.object["action"] as? String == "add")
      #expect(["queued", "running", "succeeded"].contains(job.object["status"] as? String ?? ""))
      let jobID = try #require(job.object["id"] as? Int)
      let jobRead = try await stack.client.send(
        "GET", "/api/tag/v1/bulk-jobs/\(jobID)", token: org1)
      #expect(jobRead.status == 200)
      let deleted = try await stack.client.send("DELETE", "/api/tag/v1/tags/\(id)", token: org1)
      #expect(deleted.status == 202, "\(String(decoding: deleted.body, as: UTF8.self))")
      let batch = try await stack.client.send(
        "POST", "/api/tag/v1/tags/batch-delete", token: org1, json: ["tag_ids": [id, id + 1000]])
      #expect(batch.status == 202)
      let outcomes = (batch.object["results"] as? [[String: Any]])?.compactMap {
        $0["outcome"] as? String
      }
      #expect(outcomes?.allSatisfy { $0 == $0.lowercased() } == true)
    }
  }

  @Test("G6: every tags route with an id answers another org's tag or job 404 like a missing one")
  func crossOrganizationEveryRoute() async throws {
    try await ServiceStack.with { stack in
      let org1 = try await stack.token(stack.orgA)
      let org2 = try await stack.token(stack.orgB)
      let id = try #require(
        try await stack.client.send(
          "POST", "/api/tag/v1/tags", token: org1, json: ["name": "Gold"]
        ).object["id"] as? Int)
      let job = try #require(
        try await stack.client.send(
          "POST", "/api/tag/v1/bulk-jobs", token: org1,
          json: ["action": "add", "tag_ids": [id], "target": ["contact_ids": ["contact_ids": [5]]]]
        ).object["id"] as? Int)
      let missing = 1_000_000
      let routes: [(String, String, Int, [String: Any]?)] = [
        ("GET", "/api/tag/v1/tags/{id}", id, nil),
        ("PATCH", "/api/tag/v1/tags/{id}", id, ["name": "stolen"]),
        ("DELETE", "/api/tag/v1/tags/{id}", id, nil),
        ("GET", "/api/tag/v1/bulk-jobs/{id}", job, nil),
        ("POST", "/api/tag/v1/bulk-jobs/{id}/cancel", job, nil),
      ]
      for (method, template, owned, body) in routes {
        let foreign = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(owned)"), token: org2,
          json: body)
        let absent = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(owned + missing)"),
          token: org2, json: body)
        RealContactsTests.expectSameNotFound(
          foreign, absent, "\(method) \(template)", ids: (owned, owned + missing))
      }
      // Contact-scoped reads and writes of org 2 never see org 1's associations.
      let foreignTags = try await stack.client.send(
        "GET", "/api/tag/v1/contacts/5/tags", token: org2)
      let missingTags = try await stack.client.send(
        "GET", "/api/tag/v1/contacts/\(5 + missing)/tags", token: org2)
      #expect(foreignTags.status == missingTags.status)
      #expect(foreignTags.body == missingTags.body)
      let foreignHistory = try await stack.client.send(
        "GET", "/api/tag/v1/contacts/5/tag-history", token: org2)
      let missingHistory = try await stack.client.send(
        "GET", "/api/tag/v1/contacts/\(5 + missing)/tag-history", token: org2)
      #expect(foreignHistory.status == missingHistory.status)
      #expect(foreignHistory.body == missingHistory.body)
      let foreignDetach = try await stack.client.send(
        "DELETE", "/api/tag/v1/contacts/5/tags/\(id)", token: org2)
      let missingDetach = try await stack.client.send(
        "DELETE", "/api/tag/v1/contacts/5/tags/\(id + missing)", token: org2)
      #expect(foreignDetach.status == missingDetach.status)
      #expect(foreignDetach.body == missingDetach.body)
      // Org 1's tag survived every attempt.
      let read = try await stack.client.send("GET", "/api/tag/v1/tags/\(id)", token: org1)
      #expect(read.object["name"] as? String == "Gold")
    }
  }

  @Test("Bad input → 400 naming the field; G18: date parameters are checked by the service")
  func badInput() async throws {
    try await ServiceStack.with { stack in
      let token = try await stack.token(stack.orgA)
      let badSource = try await stack.client.send(
        "GET", "/api/cdp/v1/tags?source=MAAC", token: token)
      #expect(badSource.status == 400)
      #expect(badSource.object["message"] as? String == "source: must be one of maac, caac")
      let badSort = try await stack.client.send("GET", "/api/tag/v1/tags?sort=size", token: token)
      #expect(badSort.status == 400)
      #expect((badSort.object["message"] as? String)?.hasPrefix("sort: must be one of") == true)
      let badAction = try await stack.client.send(
        "POST", "/api/tag/v1/bulk-jobs", token: token, json: ["action": "toggle", "tag_ids": [1]])
      #expect(badAction.status == 400)
      #expect((badAction.object["message"] as? String)?.hasPrefix("action:") == true)
      let emptyName = try await stack.client.send(
        "POST", "/api/tag/v1/tags", token: token, json: ["name": ""])
      #expect(emptyName.status == 400)
      #expect((emptyName.object["message"] as? String)?.contains("name") == true)
      // G18: a date that is not a calendar date, and a reversed range, are the service's 400.
      for query in [
        "start_date=2026-02-30&end_date=2026-03-01", "start_date=2026-03-02&end_date=2026-03-01",
      ] {
        let reply = try await stack.client.send(
          "GET", "/api/tag/v1/coverage?channel_id=\(stack.lineA)&\(query)", token: token)
        #expect(reply.status == 400, "\(query): \(String(decoding: reply.body, as: UTF8.self))")
        #expect((reply.object["message"] as? String)?.contains("date") == true, "\(query)")
      }
      for bad in ["abc", "0", "-1", "9223372036854775808"] {
        #expect(
          try await stack.client.send("GET", "/api/tag/v1/tags/\(bad)", token: token).status
            == 400)
      }
    }
  }
}
