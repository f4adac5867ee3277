import Foundation
import GRPCCore
import Gateway
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@Suite("gRPC pass-through")
struct PassThroughTests {
  @Test("gRPC by service prefix: a verified call reaches the owning service with the token's org")
  func forwarded() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token(
        TestSigningKeys.claims(org: 1, user: "grpc-user"))
      try await withTestClient(
        to: HostAndPort(host: "127.0.0.1", port: environment.gateway.grpcPort)
      ) { client in
        let contacts = Maac_Contacts_V1_Contacts.Client(wrapping: client)
        var request = Maac_Contacts_V1_GetContactRequest()
        request.contactID = 5
        let contact = try await contacts.getContact(
          request, metadata: ["authorization": "Bearer \(token)", "x-maac-org-id": "2"])
        #expect(contact.id == 5)
        let metadata = try #require(environment.contacts.lastMetadata)
        #expect(Array(metadata[stringValues: "x-maac-org-id"]) == ["1"])
        #expect(Array(metadata[stringValues: "x-maac-user-id"]) == ["grpc-user"])

        // Another org's contact: NOT_FOUND, passed through.
        request.contactID = 6
        await #expect {
          _ = try await contacts.getContact(request, metadata: ["authorization": "Bearer \(token)"])
        } throws: { ($0 as? RPCError)?.code == .notFound }
      }
    }
  }

  @Test(
    "gRPC without a valid token → UNAUTHENTICATED, nothing forwarded; internal services are not routed"
  )
  func refused() async throws {
    try await GatewayEnvironment.with { environment in
      try await withTestClient(
        to: HostAndPort(host: "127.0.0.1", port: environment.gateway.grpcPort)
      ) { client in
        let contacts = Maac_Contacts_V1_Contacts.Client(wrapping: client)
        var request = Maac_Contacts_V1_GetContactRequest()
        request.contactID = 5
        await #expect {
          _ = try await contacts.getContact(request)
        } throws: { ($0 as? RPCError)?.code == .unauthenticated }
        await #expect {
          _ = try await contacts.getContact(request, metadata: ["authorization": "Bearer nope"])
        } throws: { ($0 as? RPCError)?.code == .unauthenticated }
        #expect(environment.contacts.callCount == 0)
        let token = try await environment.keys.token()
        let internalClient = Maac_Contacts_V1_ContactsInternal.Client(wrapping: client)
        await #expect {
          _ = try await internalClient.batchGetContacts(
            Maac_Contacts_V1_BatchGetContactsRequest(),
            metadata: ["authorization": "Bearer \(token)"])
        } throws: { ($0 as? RPCError)?.code == .unimplemented }
      }
    }
  }
}
