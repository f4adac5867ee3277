import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

/// Every contacts route of `contacts.md` §5 through the real gateway against the real contacts
/// service (channels from the real admin center): success shapes with lower-case enums,
/// another organization's resource answering 404 exactly like a missing one, bad input → 400
/// naming the field.
@Suite("Gateway → real contacts service")
struct RealContactsTests {
  /// The same status and the same body: a foreign resource is indistinguishable from a missing one.
  /// Services may echo the requested id in the message: it is replaced by `{id}` before the
  /// bodies are compared (the client sent it; nothing else may differ).
  static func expectSameNotFound(
    _ foreign: HTTPTestClient.Reply, _ missing: HTTPTestClient.Reply, _ route: String,
    ids: (foreign: Int, missing: Int)? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(foreign.status == 404, "\(route)", sourceLocation: sourceLocation)
    #expect(missing.status == 404, "\(route)", sourceLocation: sourceLocation)
    func normalized(_ reply: HTTPTestClient.Reply, _ id: Int?) -> String {
      let text = String(decoding: reply.body, as: UTF8.self)
      guard let id else { return text }
      return text.replacingOccurrences(of: "\(id)", with: "{id}")
    }
    #expect(
      normalized(foreign, ids?.foreign) == normalized(missing, ids?.missing), "\(route)",
      sourceLocation: sourceLocation)
    #expect(foreign.object["code"] is String, "\(route)", sourceLocation: sourceLocation)
  }

  @Test(
    "G6 + C60: every contacts route with an id answers another org's contact 404 like a missing one"
  )
  func crossOrganizationEveryRoute() async throws {
    try await ServiceStack.with { stack in
      let tokenA = try await stack.token(stack.orgA)
      let tokenB = try await stack.token(stack.orgB)
      let created = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: tokenA,
        json: [
          "channel_type": "email", "channel_id": stack.emailA, "external_id": "amy@example.com",
          "fields": ["display_name": "Amy", "gender": "female", "email_status": "subscribed"],
        ])
      #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
      let id = try #require(created.object["id"] as? Int)
      let missing = id + 1_000_000
      // (method, path template with {id}, JSON body)
      let routes: [(String, String, [String: Any]?)] = [
        ("GET", "/api/member/v1/contacts/{id}", nil),
        ("PATCH", "/api/member/v1/contacts/{id}", ["note": "hi"]),
        (
          "PUT", "/api/member/v1/contacts/{id}/customer-id", ["customer_id": "CRM-1", "via": "api"]
        ),
        ("DELETE", "/api/member/v1/contacts/{id}/customer-id", nil),
        ("GET", "/api/member/v1/contacts/{id}/history", nil),
        ("DELETE", "/api/member/v1/contacts/{id}", nil),
      ]
      for (method, template, body) in routes {
        let foreign = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(id)"), token: tokenB,
          json: body)
        let absent = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(missing)"), token: tokenB,
          json: body)
        Self.expectSameNotFound(
          foreign, absent, "\(method) \(template)", ids: (id, missing))
      }
      // Org A still sees its contact, untouched by org B's attempts.
      let read = try await stack.client.send("GET", "/api/member/v1/contacts/\(id)", token: tokenA)
      #expect(read.status == 200)
      #expect(read.object["display_name"] as? String == "Amy")
      #expect(read.object["customer_id"] == nil)

      // Tasks: an import and an export of org A are 404 for org B like missing ones.
      let importTask = try await withTestClient(to: stack.contactsAddress) { client in
        try await Maac_Contacts_V1_Contacts.Client(wrapping: client).createImportTask(
          .with {
            $0.target = .email
            $0.channelID = stack.emailA
            $0.key = .email
            $0.rows = .with {
              $0.columns = ["email", "messaging_status"]
              $0.rows = [
                .with { $0.cells = ["email": "bob@example.com", "messaging_status": "subscribed"] }
              ]
            }
          }, metadata: CallerContext.tenant(stack.orgA).metadata)
      }
      let export = try await stack.client.send(
        "POST", "/api/member/v1/exports", token: tokenA, json: ["ids": ["contact_ids": [id]]])
      #expect(export.status == 202, "\(String(decoding: export.body, as: UTF8.self))")
      let exportID = try #require(export.object["task_id"] as? Int ?? export.object["id"] as? Int)
      let tasks: [(String, Int64)] = [
        ("/api/member/v1/imports/{id}", importTask.taskID),
        ("/api/member/v1/imports/{id}/rows", importTask.taskID),
        ("/api/member/v1/exports/{id}", Int64(exportID)),
      ]
      for (template, owned) in tasks {
        let mine = try await stack.client.send(
          "GET", template.replacingOccurrences(of: "{id}", with: "\(owned)"), token: tokenA)
        #expect(mine.status == 200, "\(template)")
        let foreign = try await stack.client.send(
          "GET", template.replacingOccurrences(of: "{id}", with: "\(owned)"), token: tokenB)
        let absent = try await stack.client.send(
          "GET", template.replacingOccurrences(of: "{id}", with: "\(owned + 1_000_000)"),
          token: tokenB)
        Self.expectSameNotFound(
          foreign, absent, template, ids: (Int(owned), Int(owned) + 1_000_000))
      }
      // Lists and searches only show the caller's data.
      let importsB = try await stack.client.send("GET", "/api/member/v1/imports", token: tokenB)
      #expect(importsB.status == 200)
      #expect((importsB.object["results"] as? [Any])?.isEmpty == true)
      let importsA = try await stack.client.send(
        "GET", "/api/member/v1/imports?status=pending&status=running&status=completed",
        token: tokenA)
      #expect(importsA.status == 200)
      let searchB = try await stack.client.send(
        "POST", "/api/member/v1/search", token: tokenB, json: ["email": "amy@example.com"])
      #expect(searchB.status == 200)
      #expect((searchB.json as? [Any])?.isEmpty == true)
      let listB = try await stack.client.send(
        "POST", "/api/member/v1/contacts/search", token: tokenB, json: ["include_count": true])
      #expect(listB.status == 200)
      #expect((listB.object["results"] as? [Any])?.isEmpty == true)
      let statsB = try await stack.client.send("GET", "/api/member/v1/stats", token: tokenB)
      #expect(statsB.status == 200)
      #expect(statsB.object["total"] == nil || statsB.object["total"] as? Int == 0)
    }
  }

  @Test(
    "contacts.md §5: create, read, patch, bind, search, history, stats with lower-case enum JSON both ways"
  )
  func routesAndEnums() async throws {
    try await ServiceStack.with { stack in
      let token = try await stack.token(stack.orgA)
      let created = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: token,
        json: [
          "channel_type": "email", "channel_id": stack.emailA, "external_id": "Amy@Example.com",
          "fields": ["display_name": "Amy", "gender": "female", "email_status": "subscribed"],
        ])
      #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
      #expect(created.object["channel_type"] as? String == "email")
      #expect(created.object["gender"] as? String == "female")
      let email = try #require(created.object["email"] as? [String: Any])
      #expect(email["status"] as? String == "subscribed")
      #expect(email["display_status"] as? String == "subscribed")
      let id = try #require(created.object["id"] as? Int)
      // G18 / A24: service timestamps are passed through as RFC 3339 UTC with Z.
      #expect(Self.isRFC3339UTC(created.object["created_at"]))

      // Clearing a contact-level field and binding act on the person through CDH (C48, C69),
      // which must first have followed the contact's creation event: until then contacts
      // answers 503 CDH_UNAVAILABLE (retryable).
      var patched = try await stack.client.send(
        "PATCH", "/api/member/v1/contacts/\(id)", token: token,
        json: ["gender": "male", "note": "VIP", "display_name": NSNull()])
      for _ in 0..<100 where patched.status == 503 {
        try await Task.sleep(for: .milliseconds(100))
        patched = try await stack.client.send(
          "PATCH", "/api/member/v1/contacts/\(id)", token: token,
          json: ["gender": "male", "note": "VIP", "display_name": NSNull()])
      }
      #expect(patched.status == 200, "\(String(decoding: patched.body, as: UTF8.self))")
      #expect(patched.object["gender"] as? String == "male")
      #expect(patched.object["note"] as? String == "VIP")
      #expect(patched.object["display_name"] == nil)

      let bound = try await stack.client.send(
        "PUT", "/api/member/v1/contacts/\(id)/customer-id", token: token,
        json: ["customer_id": "CRM-0001", "via": "api"])
      #expect(bound.status == 200, "\(String(decoding: bound.body, as: UTF8.self))")
      #expect(bound.object["customer_id"] as? String == "CRM-0001")
      #expect(bound.object["is_bound"] as? Bool == true)
      let unbound = try await stack.client.send(
        "DELETE", "/api/member/v1/contacts/\(id)/customer-id", token: token)
      #expect(unbound.status == 200)
      #expect(unbound.object["customer_id"] == nil)

      let hits = try await stack.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["email": "amy@example.com"])
      #expect(hits.status == 200)
      let hit = try #require((hits.json as? [[String: Any]])?.first)
      #expect(hit["messaging_status"] as? String == "subscribed")

      let search = try await stack.client.send(
        "POST", "/api/member/v1/contacts/search", token: token,
        json: ["channel_types": ["email"], "include_count": true, "limit": 10])
      #expect(search.status == 200, "\(String(decoding: search.body, as: UTF8.self))")
      #expect(search.object["count"] as? Int == 1)
      #expect(search.object["next_cursor"] is NSNull)
      let first = try #require((search.object["results"] as? [[String: Any]])?.first)
      #expect(first["channel_type"] as? String == "email")

      let history = try await stack.client.send(
        "GET", "/api/member/v1/contacts/\(id)/history?limit=50", token: token)
      #expect(history.status == 200)
      let entries = try #require(history.object["results"] as? [[String: Any]])
      #expect(!entries.isEmpty)
      #expect(
        entries.allSatisfy { ($0["origin"] as? String).map { $0 == $0.lowercased() } ?? true })

      let stats = try await stack.client.send(
        "GET", "/api/member/v1/stats?channel_id=\(stack.emailA)", token: token)
      #expect(stats.status == 200)
      #expect(stats.object["total"] as? Int == 1)

      let deleted = try await stack.client.send(
        "DELETE", "/api/member/v1/contacts/\(id)", token: token)
      #expect(deleted.status == 204)
      #expect(
        try await stack.client.send("GET", "/api/member/v1/contacts/\(id)", token: token).status
          == 404)
    }
  }

  @Test("Bad input → 400 naming the field: enum values, emails, schema, ids, JSON")
  func badInput() async throws {
    try await ServiceStack.with { stack in
      let token = try await stack.token(stack.orgA)
      // The gateway refuses an enum value the spec does not list, naming the field.
      let badType = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: token,
        json: ["channel_type": "EMAIL", "channel_id": stack.emailA, "external_id": "a@example.com"])
      #expect(badType.status == 400)
      #expect(badType.object["code"] as? String == "BAD_REQUEST")
      #expect(
        (badType.object["message"] as? String)?.hasPrefix("channel_type: must be one of") == true)
      let badGender = try await stack.client.send(
        "PATCH", "/api/member/v1/contacts/1", token: token, json: ["gender": "robot"])
      #expect(badGender.status == 400)
      #expect((badGender.object["message"] as? String)?.hasPrefix("fields.gender:") == true)
      let badStatus = try await stack.client.send(
        "GET", "/api/member/v1/imports?status=done", token: token)
      #expect(badStatus.status == 400)
      #expect((badStatus.object["message"] as? String)?.hasPrefix("status: must be one of") == true)
      // The service's own validation passes through with its reason code (C-rules).
      let badEmail = try await stack.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["email": "not-an-email"])
      #expect(badEmail.status == 400)
      // contacts.md §5.1: INVALID_EMAIL (contacts writes the reason into the message).
      let badEmailText = String(decoding: badEmail.body, as: UTF8.self)
      #expect(badEmailText.contains("INVALID_EMAIL"), "\(badEmailText)")
      #expect((badEmail.object["message"] as? String)?.hasPrefix("email") == true)
      let badAddress = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: token,
        json: ["channel_type": "email", "channel_id": stack.emailA, "external_id": "nope"])
      #expect(badAddress.status == 400)
      #expect(badAddress.object["message"] is String)
      // Another org's channel is not a channel of this org.
      let foreignChannel = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: token,
        json: [
          "channel_type": "line", "channel_id": stack.lineB,
          "external_id": "U" + String(repeating: "a", count: 32),
        ])
      #expect([400, 404].contains(foreignChannel.status))
      // Unknown fields, wrong JSON, and bad path ids.
      let unknown = try await stack.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["emial": "amy@example.com"])
      #expect(unknown.status == 400)
      #expect((unknown.object["message"] as? String)?.hasPrefix("body:") == true)
      let notJSON = try await stack.client.send(
        "POST", "/api/member/v1/contacts", token: token,
        headers: ["Content-Type": "application/json"], body: Data("{".utf8))
      #expect(notJSON.status == 400)
      #expect(notJSON.object["message"] as? String == "body: is not valid JSON")
      for bad in ["abc", "0", "-1", "1.5", "9223372036854775808"] {
        let reply = try await stack.client.send(
          "GET", "/api/member/v1/contacts/\(bad)", token: token)
        #expect(reply.status == 400, "\(bad)")
      }
    }
  }

  static func isRFC3339UTC(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.range(
      of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"#, options: .regularExpression) != nil
  }
}
