import Foundation
import Testing

/// The CDH application routes (`cdh.md` §4.1.3, `gateway.md` §5 cdh-app) through the real
/// gateway against the real CDH service, under both the plural and the singular alias (GQ4).
@Suite("Gateway → real CDH service")
struct RealCDHTests {
  static let bases = ["/api/v1/applications/cdh", "/api/v1/application/cdh"]

  @Test(
    "cdh-app: settings, unify keys as lower-case strings, merge state, organizations; org B never sees org A's scope"
  )
  func settingsAndTenancy() async throws {
    try await ServiceStack.with { stack in
      let adminA = try await stack.token(stack.orgA, roles: ["org_admin"])
      let adminB = try await stack.token(stack.orgB, roles: ["org_admin"])
      for (index, base) in Self.bases.enumerated() {
        let keys = index == 0 ? ["display_mobile", "custom_id"] : ["display_email"]
        // cdh.md §4.1.3: the documented body is a list of attribute names.
        let updated = try await stack.client.send(
          "PUT", "\(base)/unify-scope-setting/unify-keys", token: adminA,
          json: ["unify_keys": keys])
        #expect(updated.status == 200, "\(base): \(String(decoding: updated.body, as: UTF8.self))")
        let settings = try #require(updated.object["settings"] as? [String: Any])
        #expect(
          (settings["unify_keys"] as? [[String: Any]])?.compactMap { $0["attribute"] as? String }
            == keys)
        let readA = try await stack.client.send(
          "GET", "\(base)/unify-scope-setting", token: adminA)
        #expect(readA.status == 200)
        #expect(
          (readA.object["unify_keys"] as? [[String: Any]])?.compactMap {
            $0["attribute"] as? String
          }
            == keys)
        let orgsA = (readA.object["orgs"] as? [[String: Any]]) ?? []
        #expect(orgsA.compactMap { $0["org_id"] as? Int } == [Int(stack.orgA)])
        #expect(orgsA.first?["source"] as? String == "maac")
        // Org B reads its own (default) scope: none of org A's keys or orgs.
        let readB = try await stack.client.send(
          "GET", "\(base)/unify-scope-setting", token: adminB)
        #expect(readB.status == 200)
        #expect((readB.object["unify_keys"] as? [Any] ?? []).isEmpty)
        #expect(
          (readB.object["orgs"] as? [[String: Any]])?.compactMap { $0["org_id"] as? Int }
            == [Int(stack.orgB)])
        #expect(readB.object["unify_scope_id"] as? Int != readA.object["unify_scope_id"] as? Int)
        let stateA = try await stack.client.send(
          "GET", "\(base)/unify-scope-setting/merge-state", token: adminA)
        #expect(stateA.status == 200)
        #expect(stateA.object["unify_scope_id"] as? Int == readA.object["unify_scope_id"] as? Int)
        if let job = stateA.object["job"] as? [String: Any] {
          #expect(
            ["pending", "running", "completed", "failed"].contains(job["status"] as? String ?? ""))
          #expect(job["trigger"] as? String == "settings_change")
        }
        let stateB = try await stack.client.send(
          "GET", "\(base)/unify-scope-setting/merge-state", token: adminB)
        #expect(stateB.object["unify_scope_id"] as? Int == readB.object["unify_scope_id"] as? Int)
        #expect(stateB.object["job"] == nil)
        // The documented array of organizations sharing the caller's org_uuid (none here).
        let organizations = try await stack.client.send(
          "GET", "\(base)/organizations", token: adminB)
        #expect(organizations.status == 200)
        #expect(organizations.json is [Any])
        // A client cannot pick another org's uuid: the parameter is not taken.
        let probing = try await stack.client.send(
          "GET", "\(base)/organizations?org_uuid=anything", token: adminB)
        #expect(probing.body == organizations.body)
        // Integrate and disconnect: no other org shares the uuid, the scope is not connected.
        let integrate = try await stack.client.send(
          "POST", "\(base)/integrate", token: adminA, json: ["unify_keys": ["custom_id"]])
        #expect(integrate.status == 400, "\(String(decoding: integrate.body, as: UTF8.self))")
        let disconnect = try await stack.client.send(
          "POST", "\(base)/disconnect", token: adminA, json: [String: Any]())
        #expect(disconnect.status == 400, "\(String(decoding: disconnect.body, as: UTF8.self))")
        #expect(disconnect.object["message"] is String)
      }
    }
  }

  @Test(
    "cdh-app bad input: unknown attribute, too many keys, a client-chosen scope → 400 naming the field; no org_admin → 403"
  )
  func badInputAndRoles() async throws {
    try await ServiceStack.with { stack in
      let admin = try await stack.token(stack.orgA, roles: ["org_admin"])
      let member = try await stack.token(stack.orgA, roles: ["member"])
      let path = "/api/v1/applications/cdh/unify-scope-setting/unify-keys"
      let unknown = try await stack.client.send(
        "PUT", path, token: admin, json: ["unify_keys": ["shoe_size"]])
      #expect(unknown.status == 400)
      #expect(
        (unknown.object["message"] as? String)?.hasPrefix("unify_keys.attribute: must be one of")
          == true)
      let tooMany = try await stack.client.send(
        "PUT", path, token: admin,
        json: ["unify_keys": ["custom_id", "display_mobile", "display_email", "line_uid"]])
      #expect(tooMany.status == 400)
      #expect((tooMany.object["message"] as? String)?.contains("3") == true)
      // The application routes act on the caller's own scope: a scope id is refused.
      let chosenScope = try await stack.client.send(
        "PUT", path, token: admin, json: ["unify_scope_id": 1, "unify_keys": ["custom_id"]])
      #expect(chosenScope.status == 400)
      #expect(
        chosenScope.object["message"] as? String
          == "unify_scope_id: is not accepted on this route")
      let forbidden = try await stack.client.send(
        "PUT", path, token: member, json: ["unify_keys": ["custom_id"]])
      #expect(forbidden.status == 403)
      #expect(forbidden.object["code"] as? String == "FORBIDDEN")
      // The object form of the proto is accepted too.
      let objects = try await stack.client.send(
        "PUT", path, token: admin,
        json: ["unify_keys": [["attribute": "line_uid", "is_distinct": false]]])
      #expect(objects.status == 200, "\(String(decoding: objects.body, as: UTF8.self))")
    }
  }
}
