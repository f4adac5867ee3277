import Foundation
import GRPCCore
import Gateway
import MAACContracts
import Synchronization
import Testing

@Suite("G12 retry of idempotent GETs")
struct RetryTests {
  /// GetContact fails with UNAVAILABLE `failures` times, then answers; UpdateContact always
  /// fails with UNAVAILABLE.
  static func flakyContacts(failures: Int) async throws -> TestUpstream {
    let remaining = Mutex(failures)
    return try await TestUpstream.start([
      Unary(Maac_Contacts_V1_Contacts.Method.GetContact.descriptor) {
        (request: Maac_Contacts_V1_GetContactRequest, _) -> Maac_Contacts_V1_Contact in
        let fail = remaining.withLock { count -> Bool in
          defer { count -= 1 }
          return count > 0
        }
        if fail { throw RPCError(code: .unavailable, message: "restarting") }
        var contact = Maac_Contacts_V1_Contact()
        contact.id = request.contactID
        return contact
      },
      Unary(Maac_Contacts_V1_Contacts.Method.UpdateContact.descriptor) {
        (_: Maac_Contacts_V1_UpdateContactRequest, _) -> Maac_Contacts_V1_Contact in
        throw RPCError(code: .unavailable, message: "restarting")
      },
    ])
  }

  @Test("G12: a GET answered 503 once is retried once and succeeds")
  func getRetriedOnce() async throws {
    try await ConfiguredGateway.with(contacts: try await Self.flakyContacts(failures: 1)) {
      environment in
      let token = try await environment.keys.token()
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(reply.status == 200)
      #expect(environment.contacts.callCount == 2)
    }
  }

  @Test("G12: only once: a GET failing twice → 503 after two calls")
  func getRetriedOnlyOnce() async throws {
    try await ConfiguredGateway.with(contacts: try await Self.flakyContacts(failures: 5)) {
      environment in
      let token = try await environment.keys.token()
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(reply.status == 503)
      #expect(reply.object["code"] as? String == "SERVICE_UNAVAILABLE")
      #expect(environment.contacts.callCount == 2)
    }
  }

  @Test("G12: a non-GET is never retried")
  func patchNotRetried() async throws {
    try await ConfiguredGateway.with(contacts: try await Self.flakyContacts(failures: 0)) {
      environment in
      let token = try await environment.keys.token()
      let reply = try await environment.client.send(
        "PATCH", "/api/member/v1/contacts/5", token: token, json: ["display_name": "x"])
      #expect(reply.status == 503)
      #expect(environment.contacts.callCount == 1)
    }
  }
}
