import Foundation
import GRPCCore
import Gateway
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@Suite("One port for HTTP/1.1, h2c REST and gRPC")
struct OnePortTests {
  @Test("gRPC pass-through and HTTP/1.1 REST are served on the same port by default")
  func sharedPort() async throws {
    try await GatewayEnvironment.with { environment in
      #expect(environment.gateway.grpcPort == environment.gateway.port)
      let token = try await environment.keys.token(TestSigningKeys.claims(org: 1, user: "u1"))
      let rest = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(rest.status == 200)
      try await withTestClient(
        to: HostAndPort(host: "127.0.0.1", port: environment.gateway.port)
      ) { client in
        var request = Maac_Contacts_V1_GetContactRequest()
        request.contactID = 5
        let contact = try await Maac_Contacts_V1_Contacts.Client(wrapping: client).getContact(
          request, metadata: ["authorization": "Bearer \(token)"])
        #expect(contact.id == 5)
      }
      // HTTP/1.1 still works after HTTP/2 connections came and went.
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/5", token: token).status
          == 200)
      #expect(environment.contacts.callCount == 3)
    }
  }

  @Test("REST over h2c (curl --http2-prior-knowledge): same routes, auth, tenancy and errors")
  func restOverH2C() async throws {
    try await GatewayEnvironment.with { environment in
      let curl = CurlHTTP2Client(base: "http://127.0.0.1:\(environment.gateway.port)")
      let token = try await environment.keys.token(TestSigningKeys.claims(org: 1, user: "h2-user"))
      let ok = try await curl.send("GET", "/api/member/v1/contacts/5", token: token)
      #expect(ok.httpVersion == "HTTP/2")
      #expect(ok.status == 200)
      #expect(ok.object["id"] as? Int == 5)
      #expect(ok.header("content-type") == "application/json; charset=utf-8")
      #expect(ok.header("x-request-id")?.count == 32)
      let metadata = try #require(environment.contacts.lastMetadata)
      #expect(Array(metadata[stringValues: "x-maac-org-id"]) == ["1"])
      #expect(Array(metadata[stringValues: "x-maac-user-id"]) == ["h2-user"])

      // Another organization's contact is 404 like a missing one (G6).
      let foreign = try await curl.send("GET", "/api/member/v1/contacts/6", token: token)
      #expect(foreign.status == 404)
      // No token → 401 with WWW-Authenticate, nothing forwarded (G2).
      let calls = environment.contacts.callCount
      let anonymous = try await curl.send("GET", "/api/member/v1/contacts/5")
      #expect(anonymous.status == 401)
      #expect(anonymous.header("www-authenticate") == "Bearer")
      #expect(environment.contacts.callCount == calls)
      // A JSON body travels over HTTP/2 too.
      let search = try await curl.send(
        "POST", "/api/member/v1/search", token: token, json: #"{"email":"amy@example.com"}"#)
      #expect(search.status == 200)
      #expect(
        (try? JSONSerialization.jsonObject(with: search.body) as? [[String: Any]])?.count == 1)
      // G1 on HTTP/2.
      let missing = try await curl.send("GET", "/api/nope", token: token)
      #expect(missing.status == 404)
      #expect(missing.object["code"] as? String == "NOT_FOUND")
    }
  }
}
