import Foundation
import Gateway
import Testing

@Suite("Gateway routing, tenancy and error mapping")
struct RoutingTests {
  @Test("G1: unknown path → 404 NOT_FOUND, wrong method → 405 with Allow, both before auth")
  func routeMatching() async throws {
    try await GatewayEnvironment.with { environment in
      let missing = try await environment.client.send("GET", "/api/nope")
      #expect(missing.status == 404)
      #expect(
        missing.object as? [String: String] == ["code": "NOT_FOUND", "message": "Route not found"])
      let wrongMethod = try await environment.client.send("PUT", "/api/v1/channels")
      #expect(wrongMethod.status == 405)
      #expect(wrongMethod.object["code"] as? String == "METHOD_NOT_ALLOWED")
      #expect(wrongMethod.header("Allow") == "GET")
      #expect(environment.totalCalls == 0)
    }
  }

  @Test("G9: a trailing slash matches the same route; a double slash is 404")
  func trailingSlash() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/5/", token: token).status
          == 200)
      #expect(
        try await environment.client.send("GET", "/api/v1/channels/", token: token).status == 200)
      #expect(
        try await environment.client.send("GET", "/api/member/v1//contacts/5", token: token).status
          == 404)
    }
  }

  @Test("G7: a non-int64 path id → 400 BAD_REQUEST after authentication (401 without a token)")
  func pathParameters() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      for bad in ["abc", "0", "-1", "01", "9223372036854775808"] {
        let reply = try await environment.client.send(
          "GET", "/api/member/v1/contacts/\(bad)", token: token)
        #expect(reply.status == 400, "\(bad)")
        #expect(
          reply.object as? [String: String] == [
            "code": "BAD_REQUEST", "message": "Invalid request",
          ])
      }
      #expect(try await environment.client.send("GET", "/api/member/v1/contacts/abc").status == 401)
      #expect(
        try await environment.client.send(
          "GET", "/api/member/v1/contacts/9223372036854775807", token: token
        ).status
          == 404)
      #expect(environment.contacts.callCount == 1)
    }
  }

  @Test("G5: the org, user and roles come from the token; client x-maac-* headers are stripped")
  func identityPropagation() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token(
        TestSigningKeys.claims(org: 1, user: "amy", roles: ["member"]))
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/6", token: token,
        headers: [
          "x-maac-org-id": "2", "x-maac-user-id": "mallory", "X-Request-Id": "client-chosen",
        ])
      // Contact 6 belongs to org 2: the header did not change the organization.
      #expect(reply.status == 404)
      let metadata = try #require(environment.contacts.lastMetadata)
      #expect(Array(metadata[stringValues: "x-maac-org-id"]) == ["1"])
      #expect(Array(metadata[stringValues: "x-maac-user-id"]) == ["amy"])
      #expect(Array(metadata[stringValues: "x-maac-roles"]) == ["member"])
      #expect(Array(metadata[stringValues: "x-maac-token-use"]) == ["access"])
      let requestID = try #require(
        metadata[stringValues: "x-request-id"].first(where: { _ in true }))
      #expect(requestID != "client-chosen")
      #expect(
        reply.header("x-request-id") == requestID, "G10: the response names the id sent upstream")
    }
  }

  @Test(
    "G6: another organization's resource answers 404 exactly like a missing one, in every family")
  func crossOrganization() async throws {
    try await GatewayEnvironment.with { environment in
      let org1 = try await environment.keys.token(TestSigningKeys.claims(org: 1))
      let org2 = try await environment.keys.token(TestSigningKeys.claims(org: 2))
      // (path, owned by org 1, missing everywhere)
      let cases: [(String, String, String)] = [
        ("contacts", "/api/member/v1/contacts/5", "/api/member/v1/contacts/99"),
        ("tags", "/api/tag/v1/tags/7", "/api/tag/v1/tags/99"),
        ("admin", "/api/v1/channels/21/sender-domains", "/api/v1/channels/99/sender-domains"),
      ]
      for (family, owned, missing) in cases {
        #expect(
          try await environment.client.send("GET", owned, token: org1).status == 200, "\(family)")
        let foreign = try await environment.client.send("GET", owned, token: org2)
        let absent = try await environment.client.send("GET", missing, token: org2)
        #expect(foreign.status == 404, "\(family)")
        #expect(absent.status == 404, "\(family)")
        #expect(foreign.object["code"] as? String == absent.object["code"] as? String, "\(family)")
        #expect(foreign.object["code"] as? String == "NOT_FOUND", "\(family)")
      }
      // CDH application routes carry no id: org 2 has no scope → 404; org 1 sees its own.
      #expect(
        try await environment.client.send(
          "GET", "/api/v1/applications/cdh/unify-scope-setting", token: org1
        ).status
          == 200)
      #expect(
        try await environment.client.send(
          "GET", "/api/v1/application/cdh/unify-scope-setting", token: org2
        ).status
          == 404)
      // Lists only show the caller's data.
      let channels2 = try await environment.client.send("GET", "/api/v1/channels", token: org2)
      #expect(channels2.status == 200)
      #expect((channels2.object["channels"] as? [Any])?.isEmpty ?? true)
      let channels1 = try await environment.client.send("GET", "/api/v1/channels", token: org1)
      #expect((channels1.object["channels"] as? [[String: Any]])?.first?["id"] as? Int == 21)
    }
  }

  @Test(
    "G17: lists render {results, next_cursor, count}; cursor/limit arrive as page_token/page_size")
  func lists() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      let tags = try await environment.client.send(
        "GET", "/api/tag/v1/tags?limit=20&cursor=abc", token: token)
      #expect(tags.status == 200)
      #expect((tags.object["results"] as? [[String: Any]])?.first?["name"] as? String == "VIP")
      #expect(tags.object["count"] as? Int == 1)
      #expect(tags.object["next_cursor"] as? String == "next")
      let first = try await environment.client.send("GET", "/api/tag/v1/tags", token: token)
      #expect(first.object["next_cursor"] is NSNull)
      let history = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5/history?cursor=c1&limit=7", token: token)
      #expect(history.status == 200)
      #expect(history.object["next_cursor"] as? String == "after-c1-7")
      // Documented array shape of the compatibility endpoint.
      let cdp = try await environment.client.send(
        "GET", "/api/cdp/v1/tags?source=maac", token: token)
      #expect(cdp.status == 200)
      #expect((cdp.json as? [[String: Any]])?.first?["id"] as? Int == 7)
    }
  }

  @Test("G8: INVALID_ARGUMENT → 400 with the service's message; bodies map JSON → protobuf")
  func invalidArgument() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      let found = try await environment.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["email": "amy@example.com"])
      #expect(found.status == 200)
      #expect((found.json as? [[String: Any]])?.first?["email"] as? String == "amy@example.com")
      let bad = try await environment.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["email": "x"])
      #expect(bad.status == 400)
      #expect(bad.object["code"] as? String == "INVALID_ARGUMENT")
      #expect(bad.object["message"] as? String == "email: is not an email")
      let unknownField = try await environment.client.send(
        "POST", "/api/member/v1/search", token: token, json: ["emial": "amy@example.com"])
      #expect(unknownField.status == 400)
      #expect(unknownField.object["code"] as? String == "BAD_REQUEST")
      let notJSON = try await environment.client.send(
        "POST", "/api/member/v1/search", token: token,
        headers: ["Content-Type": "application/json"],
        body: Data("{".utf8))
      #expect(notJSON.status == 400)
    }
  }

  @Test("204 routes answer without a body")
  func noContent() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      let reply = try await environment.client.send(
        "POST", "/api/v1/applications/cdh/disconnect", token: token, json: [String: Any]())
      #expect(reply.status == 204)
      #expect(reply.body.isEmpty)
      #expect(reply.header("x-request-id")?.count == 32)
    }
  }

  @Test(
    "G12: an unreachable service → 503 SERVICE_UNAVAILABLE; an unimplemented RPC → 500 without internals"
  )
  func unavailable() async throws {
    let keys = try TestSigningKeys()
    // A port nothing listens on: bind a test upstream, stop it, reuse its address.
    let gone = try await Fixtures.tagsUpstream()
    let address = gone.address
    await gone.stop()
    let contacts = try await Fixtures.contactsUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath, peers: ["tags": address, "contacts": contacts.address])
    let token = try await keys.token()
    let down = try await gateway.client.send("GET", "/api/tag/v1/tags/7", token: token)
    #expect(down.status == 503)
    #expect(
      down.object as? [String: String] == [
        "code": "SERVICE_UNAVAILABLE", "message": "Service unavailable",
      ])
    #expect(down.header("x-request-id")?.count == 32)
    // No peer configured at all (admin) is 503 too.
    #expect(try await gateway.client.send("GET", "/api/v1/channels", token: token).status == 503)
    // The contacts stand-in doesn't implement stats: UNIMPLEMENTED → 500 INTERNAL_ERROR.
    let unimplemented = try await gateway.client.send("GET", "/api/member/v1/stats", token: token)
    #expect(unimplemented.status == 500)
    #expect(
      unimplemented.object as? [String: String] == [
        "code": "INTERNAL_ERROR", "message": "Internal error",
      ])
    await gateway.stop()
    await contacts.stop()
  }

  @Test(
    "G12: a service slower than the deadline → 504 GATEWAY_TIMEOUT, and the gateway keeps serving")
  func timeout() async throws {
    try await GatewayEnvironment.with(timeoutOverride: .seconds(3)) { environment in
      let token = try await environment.keys.token()
      let slow = try await environment.client.send(
        "POST", "/api/v1/channels/21/sender-domains/3/validate", token: token)
      #expect(slow.status == 504)
      #expect(slow.object["code"] as? String == "GATEWAY_TIMEOUT")
      #expect(
        try await environment.client.send("GET", "/api/v1/channels", token: token).status == 200)
    }
  }

  @Test("G4: platform tokens only on admin and CDH application routes")
  func platformTokens() async throws {
    try await GatewayEnvironment.with { environment in
      let now = Date()
      let platform = try await environment.keys.token(
        TestSigningKeys.claims(
          tokenUse: "platform", issuedAt: now, expiresAt: now.addingTimeInterval(200)))
      #expect(
        try await environment.client.send("GET", "/api/v1/channels", token: platform).status == 200)
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/5", token: platform)
          .status == 401)
    }
  }
}
