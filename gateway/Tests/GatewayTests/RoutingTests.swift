import Foundation
import Gateway
import MAACTestSupport
import ServiceKit
import Synchronization
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

  @Test("G9: a trailing slash matches the same route; a double slash is 404 (real services)")
  func trailingSlash() async throws {
    try await ServiceStack.with { stack in
      let token = try await stack.token(stack.orgA)
      let id = try #require(
        try await stack.client.send("POST", "/api/tag/v1/tags", token: token, json: ["name": "T"])
          .object["id"] as? Int)
      #expect(
        try await stack.client.send("GET", "/api/tag/v1/tags/\(id)/", token: token).status == 200)
      #expect(try await stack.client.send("GET", "/api/v1/channels/", token: token).status == 200)
      #expect(
        try await stack.client.send("GET", "/api/tag/v1//tags/\(id)", token: token).status == 404)
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
      // GQ6: the organization lookup is a service call (`system:gateway`) about the token's
      // organization.
      let lookup = try #require(environment.admin.received.withLock { $0.first })
      #expect(Array(lookup[stringValues: "x-maac-user-id"]) == ["system:gateway"])
      #expect(Array(lookup[stringValues: "x-maac-org-id"]) == ["1"])
    }
  }

  @Test("G17: cursor/limit page through the real tag list; the last page's next_cursor is null")
  func paging() async throws {
    try await ServiceStack.with { stack in
      let token = try await stack.token(stack.orgA)
      for name in ["a", "b", "c"] {
        #expect(
          try await stack.client.send(
            "POST", "/api/tag/v1/tags", token: token, json: ["name": name]
          )
          .status == 201)
      }
      let first = try await stack.client.send(
        "GET", "/api/tag/v1/tags?limit=2&sort=name&order=asc", token: token)
      #expect(first.status == 200)
      #expect(
        (first.object["results"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
          == ["a", "b"])
      #expect(first.object["count"] as? Int == 3)
      let cursor = try #require(first.object["next_cursor"] as? String)
      let second = try await stack.client.send(
        "GET",
        "/api/tag/v1/tags?limit=2&sort=name&order=asc&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)",
        token: token)
      #expect(second.status == 200, "\(String(decoding: second.body, as: UTF8.self))")
      #expect(
        (second.object["results"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
          == ["c"])
      #expect(second.object["next_cursor"] is NSNull)
      let tooMany = try await stack.client.send(
        "GET", "/api/tag/v1/tags?limit=1001", token: token)
      #expect(tooMany.status == 400)
    }
  }

  @Test(
    "G12: an unreachable service → 503 SERVICE_UNAVAILABLE; an unimplemented RPC → 500 without internals"
  )
  func unavailable() async throws {
    // The tags peer is down: its port refuses connections.
    try await RefusingPort.with { port in
      let keys = try TestSigningKeys()
      let admin = try await Fixtures.adminUpstream()
      let gateway = try await RunningGateway.start(
        jwksFile: keys.jwksPath,
        peers: [
          "tags": HostAndPort(host: "127.0.0.1", port: port), "contacts": admin.address,
          "admin": admin.address,
        ])
      let token = try await keys.token()
      let down = try await gateway.client.send("GET", "/api/tag/v1/tags/7", token: token)
      #expect(down.status == 503)
      #expect(
        down.object as? [String: String] == [
          "code": "SERVICE_UNAVAILABLE", "message": "Service unavailable",
        ])
      #expect(down.header("x-request-id")?.count == 32)
      // No peer configured at all (cdh) is 503 too.
      #expect(
        try await gateway.client.send(
          "GET", "/api/v1/applications/cdh/unify-scope-setting", token: token
        ).status == 503)
      // The admin stand-in serves no contacts RPC: UNIMPLEMENTED → 500 INTERNAL_ERROR.
      let unimplemented = try await gateway.client.send("GET", "/api/member/v1/stats", token: token)
      #expect(unimplemented.status == 500)
      #expect(
        unimplemented.object as? [String: String] == [
          "code": "INTERNAL_ERROR", "message": "Internal error",
        ])
      await gateway.stop()
      await admin.stop()
    }
  }

  @Test("GQ6: without an admin center to ask, no organization is trusted: 503")
  func noAdminPeer() async throws {
    let keys = try TestSigningKeys()
    let contacts = try await Fixtures.contactsUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath, peers: ["contacts": contacts.address])
    let reply = try await gateway.client.send(
      "GET", "/api/member/v1/contacts/5", token: try await keys.token())
    #expect(reply.status == 503)
    #expect(contacts.callCount == 0)
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

  @Test("G4: platform tokens only on admin and CDH application routes (real services)")
  func platformTokens() async throws {
    try await ServiceStack.with { stack in
      let now = Date()
      let platform = try await stack.keys.token(
        TestSigningKeys.claims(
          org: stack.orgA, tokenUse: "platform", issuedAt: now,
          expiresAt: now.addingTimeInterval(200)))
      #expect(try await stack.client.send("GET", "/api/v1/channels", token: platform).status == 200)
      #expect(
        try await stack.client.send(
          "GET", "/api/v1/applications/cdh/unify-scope-setting", token: platform
        ).status == 200)
      #expect(
        try await stack.client.send("GET", "/api/member/v1/contacts/5", token: platform).status
          == 401)
      #expect(try await stack.client.send("GET", "/api/tag/v1/tags", token: platform).status == 401)
    }
  }
}
