import Foundation
import GRPCCore
import Gateway
import MAACContracts
import MAACTestSupport
import NIOHTTP1
import ServiceKit
import Synchronization
import Testing

/// GQ6 / issue #9 "refused everywhere": a token of an organization admin center does not know,
/// or has made inactive, is refused with 403 `ORGANIZATION_NOT_ACTIVE`.
@Suite("GQ6: organization check against admin center")
struct OrganizationGateTests {
  @Test("GQ6: unknown and inactive organizations → 403 ORGANIZATION_NOT_ACTIVE on every family")
  func refusedEverywhere() async throws {
    try await ServiceStack.with { stack in
      let unknown = try await stack.token(987_654_321, roles: ["org_admin"])
      let inactive = try await stack.token(stack.inactiveOrg, roles: ["org_admin"])
      let active = try await stack.token(stack.orgA, roles: ["org_admin"])
      let routes: [(String, String)] = [
        ("GET", "/api/v1/channels"),
        ("GET", "/api/member/v1/contacts/1"),
        ("POST", "/api/member/v1/search"),
        ("GET", "/api/tag/v1/tags"),
        ("GET", "/api/cdp/v1/tags"),
        ("GET", "/api/v1/applications/cdh/unify-scope-setting"),
        ("GET", "/api/v1/application/cdh/organizations"),
      ]
      for (method, path) in routes {
        let body: [String: Any]? = method == "POST" ? ["email": "amy@example.com"] : nil
        let fromUnknown = try await stack.client.send(method, path, token: unknown, json: body)
        let fromInactive = try await stack.client.send(method, path, token: inactive, json: body)
        #expect(fromUnknown.status == 403, "\(path)")
        #expect(fromUnknown.object["code"] as? String == "ORGANIZATION_NOT_ACTIVE", "\(path)")
        #expect(fromUnknown.header("x-request-id")?.count == 32)
        // The same answer for both: the caller does not learn which organizations exist.
        #expect(fromInactive.status == 403, "\(path)")
        #expect(fromInactive.object as NSDictionary == fromUnknown.object as NSDictionary)
        // The known, active organization goes through.
        let ok = try await stack.client.send(method, path, token: active, json: body)
        #expect(ok.status != 403, "\(path)")
      }
      // Nothing was created for the unknown organization on the way (CDH creates a default
      // scope for any org it is asked about: it never was).
      let tags = try await stack.client.send(
        "POST", "/api/tag/v1/tags", token: unknown, json: ["name": "ghost"])
      #expect(tags.status == 403)
    }
  }

  @Test(
    "GQ6: the gRPC pass-through refuses unknown and inactive organizations too (PERMISSION_DENIED), before forwarding"
  )
  func refusedOnGRPC() async throws {
    try await ServiceStack.with { stack in
      let unknown = try await stack.token(987_654_321)
      let inactive = try await stack.token(stack.inactiveOrg)
      let active = try await stack.token(stack.orgA)
      try await withTestClient(
        to: HostAndPort(host: "127.0.0.1", port: stack.gateway.grpcPort)
      ) { client in
        let tags = Maac_Tags_V1_TagManagerService.Client(wrapping: client)
        for token in [unknown, inactive] {
          let refused: RPCError?
          do {
            _ = try await tags.listTags(.init(), metadata: ["authorization": "Bearer \(token)"])
            refused = nil
          } catch {
            refused = error as? RPCError
          }
          #expect(refused?.code == .permissionDenied)
          #expect(
            refused.map { Array($0.metadata[stringValues: ServiceError.reasonMetadataKey]) }
              == ["ORGANIZATION_NOT_ACTIVE"])
        }
        let listed = try await tags.listTags(
          .init(), metadata: ["authorization": "Bearer \(active)"])
        #expect(listed.tags.isEmpty)
      }
    }
  }

  /// A clock tests move by hand.
  final class ManualClock: Sendable {
    let offset = Mutex<Duration>(.zero)
    let origin = ContinuousClock.now
    func now() -> ContinuousClock.Instant { origin + offset.withLock { $0 } }
    func advance(_ by: Duration) { offset.withLock { $0 += by } }
  }

  /// Admin center's registry as the gate sees it, counting lookups.
  final class CountingRegistry: OrganizationRegistry {
    struct Down: Error {}
    let lookups = Mutex<[Int64]>([])
    let failing = Mutex(false)
    func organization(id: Int64) async throws -> KnownOrganization? {
      lookups.withLock { $0.append(id) }
      if failing.withLock({ $0 }) { throw Down() }
      return id == 1 || id == 4
        ? KnownOrganization(id: id) : id == 2 ? KnownOrganization(id: 2, active: false) : nil
    }
    var count: Int { lookups.withLock { $0.count } }
  }

  @Test(
    "GQ6: answers are cached for a few seconds, never looked up per request; 503 when admin cannot confirm"
  )
  func cache() async throws {
    let clock = ManualClock()
    let registry = CountingRegistry()
    let check = OrganizationCheck(
      gate: OrganizationGate(
        registry: registry, knownLifetime: .seconds(5), unknownLifetime: .seconds(2),
        now: { clock.now() }))
    for _ in 0..<50 {
      #expect(await check.refusal(for: 1, style: .code) == nil)
    }
    #expect(registry.count == 1)
    let inactive = try #require(await check.refusal(for: 2, style: .code))
    let unknown = try #require(await check.refusal(for: 3, style: .code))
    #expect(inactive.status == .forbidden)
    #expect(unknown.status == .forbidden)
    #expect(inactive.body == unknown.body, "one answer for unknown and disabled")
    #expect(
      String(decoding: unknown.body ?? [], as: UTF8.self).contains("ORGANIZATION_NOT_ACTIVE"))
    #expect(await check.refusal(for: 3, style: .detail)?.status == .forbidden)
    #expect(registry.count == 3)
    // Within the lifetimes nothing is asked again; after them, admin center is asked again.
    clock.advance(.seconds(4))
    #expect(await check.refusal(for: 1, style: .code) == nil)
    #expect(registry.count == 3)
    clock.advance(.seconds(2))
    #expect(await check.refusal(for: 1, style: .code) == nil)
    #expect(await check.refusal(for: 3, style: .code)?.status == .forbidden)
    #expect(registry.count == 5)
    // An organization admin center never confirmed cannot pass while it is unreachable, and
    // the failure is not cached.
    registry.failing.withLock { $0 = true }
    #expect(await check.refusal(for: 4, style: .code)?.status == .serviceUnavailable)
    #expect(await check.refusal(for: 4, style: .code)?.status == .serviceUnavailable)
    #expect(registry.count == 7)
    registry.failing.withLock { $0 = false }
    #expect(await check.refusal(for: 4, style: .code) == nil)
    #expect(registry.count == 8)
  }

  @Test(
    "GQ6: admin center slower than the lookup budget → 503 SERVICE_UNAVAILABLE, nothing forwarded; the budget is MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS"
  )
  func lookupBudget() async throws {
    let keys = try TestSigningKeys()
    let contacts = try await Fixtures.contactsUpstream()
    let slowAdmin = try await TestUpstream.start(
      [
        Unary(Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor) {
          (request: Maac_Admin_V1_GetOrganizationRequest, caller) -> Maac_Admin_V1_Organization in
          try await Task.sleep(for: .seconds(1))
          return .with {
            $0.id = caller.organizationID ?? 0
            $0.active = true
          }
        }
      ], organizationRequired: false)
    let token = try await keys.token(TestSigningKeys.claims(org: 1, user: "u1"))
    for (budget, expected) in [(Duration.milliseconds(100), 503), (.seconds(60), 200)] {
      let gateway = try await RunningGateway.start(
        jwksFile: keys.jwksPath, peers: ["contacts": contacts.address, "admin": slowAdmin.address],
        organizationLookupTimeout: budget)
      let calls = contacts.callCount
      let response = try await gateway.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      await gateway.stop()
      #expect(response.status == expected, "budget \(budget)")
      #expect(contacts.callCount == calls + (expected == 200 ? 1 : 0))
      if expected == 503 {
        #expect(response.object["code"] as? String == "SERVICE_UNAVAILABLE")
      }
    }
    await contacts.stop()
    await slowAdmin.stop()

    let state = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-gq6-\(UUID().uuidString)"
    ).path
    let configured = try GatewayConfiguration(
      from: ConfigurationSourceFactory.make(environment: [
        "MAAC_STATE": state, "MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS": "1234",
      ]))
    #expect(configured.organizationLookupTimeout == .milliseconds(1234))
    let plain = try GatewayConfiguration(
      from: ConfigurationSourceFactory.make(environment: ["MAAC_STATE": state]))
    #expect(plain.organizationLookupTimeout == .seconds(5))
    #expect {
      try GatewayConfiguration(
        from: ConfigurationSourceFactory.make(environment: [
          "MAAC_STATE": state, "MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS": "0",
        ]))
    } throws: { error in
      "\(error)".contains("MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS")
    }
  }
}
