import Foundation
import Testing

/// The admin routes through the real gateway against the real admin center (issue #9).
@Suite("Gateway → real admin center")
struct RealAdminTests {
  @Test(
    "#9 A22, A1, A5, A24: GET /api/v1/channels lists the caller's channels only, lower-case, RFC 3339 Z, never a credential"
  )
  func channels() async throws {
    try await ServiceStack.with { stack in
      let tokenA = try await stack.token(stack.orgA)
      let tokenB = try await stack.token(stack.orgB)
      let listA = try await stack.client.send("GET", "/api/v1/channels", token: tokenA)
      #expect(listA.status == 200)
      let channelsA = try #require(listA.object["channels"] as? [[String: Any]])
      // A22: every channel of the caller's organization, by id ascending; A1: nothing else.
      #expect(
        channelsA.compactMap { ($0["id"] as? Int).map(Int64.init) }
          == [stack.emailA, stack.lineA].sorted())
      #expect(channelsA.allSatisfy { $0["organization_id"] as? Int == Int(stack.orgA) })
      let email = try #require(channelsA.first { ($0["id"] as? Int) == Int(stack.emailA) })
      let line = try #require(channelsA.first { ($0["id"] as? Int) == Int(stack.lineA) })
      // Lower-case enum JSON as admin.md §5.1 writes it.
      #expect(email["type"] as? String == "email")
      #expect(line["type"] as? String == "line")
      #expect(line["status"] as? String == "connected")
      // A22: the email details are `channel_information` with the brand domain.
      let information = try #require(email["channel_information"] as? [String: Any])
      #expect(information["brand_domain"] as? String == "brand.example")
      #expect(email["email"] == nil)
      #expect((line["channel_information"] as? [String: Any])?.isEmpty == true)
      // A24: timestamps are RFC 3339 UTC with Z.
      for channel in channelsA {
        #expect(RealContactsTests.isRFC3339UTC(channel["created_at"]))
        #expect(RealContactsTests.isRFC3339UTC(channel["updated_at"]))
      }
      // A22: no credential, in any form, anywhere in the body.
      let text = String(decoding: listA.body, as: UTF8.self)
      for secret in ServiceStack.secrets { #expect(!text.contains(secret), "\(secret)") }
      #expect(!text.contains("credentials"))
      let listB = try await stack.client.send("GET", "/api/v1/channels", token: tokenB)
      #expect(
        (listB.object["channels"] as? [[String: Any]])?.compactMap {
          ($0["id"] as? Int).map(Int64.init)
        } == [stack.lineB])
      #expect(!String(decoding: listB.body, as: UTF8.self).contains(ServiceStack.secrets[4]))
      // The `type` filter, lower-case; an unknown type is 400 naming the parameter.
      let lines = try await stack.client.send("GET", "/api/v1/channels?type=line", token: tokenA)
      #expect(
        (lines.object["channels"] as? [[String: Any]])?.compactMap {
          ($0["id"] as? Int).map(Int64.init)
        } == [stack.lineA])
      let badType = try await stack.client.send(
        "GET", "/api/v1/channels?type=pigeon", token: tokenA)
      #expect(badType.status == 400)
      #expect(
        badType.object["message"] as? String
          == "type: must be one of line, facebook, instagram, whatsapp, sms, email")
      // A5: the customer surface is read-only.
      for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let reply = try await stack.client.send(method, "/api/v1/channels", token: tokenA)
        #expect(reply.status == 405, "\(method)")
        #expect(reply.header("Allow") == "GET")
      }
    }
  }

  @Test(
    "A1, A4: channel sub-resources answer another org's channel exactly like a missing one; bad ids → 400"
  )
  func channelSubResources() async throws {
    try await ServiceStack.with { stack in
      let tokenA = try await stack.token(stack.orgA)
      let tokenB = try await stack.token(stack.orgB)
      let missing = stack.emailA + 1_000_000
      let routes: [(String, String)] = [
        ("GET", "/api/v1/channels/{id}/sender-domains"),
        ("GET", "/api/v1/channels/{id}/sender-profiles"),
        ("POST", "/api/v1/channels/{id}/sender-domains/1/validate"),
      ]
      for (method, template) in routes {
        let foreign = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(stack.emailA)"),
          token: tokenB)
        let absent = try await stack.client.send(
          method, template.replacingOccurrences(of: "{id}", with: "\(missing)"), token: tokenB)
        // Admin center implements these with its email part; until then both answer the same
        // error. Either way a foreign channel is indistinguishable from a missing one.
        #expect(foreign.status == absent.status, "\(template)")
        #expect(
          foreign.object as NSDictionary == absent.object as NSDictionary, "\(template)")
        #expect([404, 500].contains(foreign.status), "\(template)")
        #expect(foreign.object["code"] is String, "\(template)")
        // A4: ids must be positive decimal int64 (checked by the gateway, G7).
        for bad in ["abc", "0", "-1", "1.5", "9223372036854775808"] {
          let reply = try await stack.client.send(
            method, template.replacingOccurrences(of: "{id}", with: bad), token: tokenA)
          #expect(reply.status == 400, "\(template) \(bad)")
          #expect(
            reply.object as? [String: String] == [
              "code": "BAD_REQUEST", "message": "Invalid request",
            ])
        }
      }
    }
  }
}
