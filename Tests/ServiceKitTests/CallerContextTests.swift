import GRPCCore
import Testing

@testable import ServiceKit

@Suite("Caller metadata")
struct CallerContextTests {
  private func metadata(_ pairs: [(String, String)]) -> Metadata {
    var metadata = Metadata()
    for (key, value) in pairs { metadata.addString(value, forKey: key) }
    return metadata
  }

  @Test("organization, user, roles and request id are read from metadata")
  func parsesEverything() throws {
    let caller = try CallerContext(
      metadata: metadata([
        ("x-maac-org-id", "42"), ("x-maac-user-id", "u-7"), ("x-maac-roles", "admin, marketer,"),
        ("x-request-id", "req-1"),
      ]),
      organizationRequired: true
    )
    #expect(
      caller
        == CallerContext(
          organizationID: 42, userID: "u-7", roles: ["admin", "marketer"], requestID: "req-1"))
    #expect(caller.hasRole("marketer"))
    #expect(!caller.hasRole("ops"))
  }

  @Test("a call without a caller is UNAUTHENTICATED naming the key")
  func missingUser() {
    #expect {
      _ = try CallerContext(
        metadata: metadata([("x-maac-org-id", "1")]), organizationRequired: true)
    } throws: { error in
      let error = error as? RPCError
      return error?.code == .unauthenticated && error?.message.contains("x-maac-user-id") == true
    }
  }

  @Test("a tenant call without an organization is UNAUTHENTICATED; an operator call is not")
  func missingOrganization() throws {
    #expect {
      _ = try CallerContext(
        metadata: metadata([("x-maac-user-id", "u")]), organizationRequired: true)
    } throws: { error in
      (error as? RPCError)?.code == .unauthenticated
        && (error as? RPCError)?.message.contains("x-maac-org-id") == true
    }
    let operatorCall = try CallerContext(
      metadata: metadata([("x-maac-user-id", "system:admin")]), organizationRequired: false)
    #expect(operatorCall.organizationID == nil)
    #expect(operatorCall.requestID.count == 32, "a missing request id is generated")
  }

  @Test(
    "an organization id that is not a positive integer is refused",
    arguments: ["0", "-3", "abc", "1.5", ""])
  func malformedOrganization(raw: String) {
    #expect(throws: RPCError.self) {
      _ = try CallerContext(
        metadata: metadata([("x-maac-org-id", raw), ("x-maac-user-id", "u")]),
        organizationRequired: false)
    }
  }

  @Test("forwarded metadata carries the same caller")
  func roundTrip() throws {
    let caller = CallerContext(
      organizationID: 9, userID: "system:contacts", roles: ["ops"], requestID: "r")
    let parsed = try CallerContext(metadata: caller.metadata, organizationRequired: true)
    #expect(parsed == caller)
  }

  @Test("required() outside a call is UNAUTHENTICATED, inside it is the bound caller")
  func taskLocal() throws {
    #expect(throws: RPCError.self) { try CallerContext.required() }
    let caller = CallerContext(organizationID: 3, userID: "u", requestID: "r")
    let organization = try CallerContext.$current.withValue(caller) {
      try CallerContext.requiredOrganizationID()
    }
    #expect(organization == 3)
  }
}
