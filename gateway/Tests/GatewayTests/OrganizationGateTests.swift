import Foundation
import Gateway
import NIOHTTP1
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

  /// A clock tests move by hand.
  final class ManualClock: Sendable {
    let offset = Mutex<Duration>(.zero)
    let origin = ContinuousClock.now
    func now() -> ContinuousClock.Instant { origin + offset.withLock { $0 } }
    func advance(_ by: Duration) { offset.withLock { $0 += by } }
  }

  @Test("GQ6: answers are cached for the TTL, never looked up per request; failures are not cached")
  func cache() async throws {
    let clock = ManualClock()
    let lookups = Mutex<[Int64]>([])
    let failing = Mutex(false)
    struct Down: Error {}
    let gate = OrganizationGate(ttl: .seconds(5), now: { clock.now() }) { id in
      lookups.withLock { $0.append(id) }
      if failing.withLock({ $0 }) { throw Down() }
      return id == 1 ? .active : id == 2 ? .inactive : .unknown
    }
    for _ in 0..<50 {
      #expect(await gate.refusal(for: 1, style: .code) == nil)
    }
    #expect(lookups.withLock { $0 } == [1])
    let refused = try #require(await gate.refusal(for: 2, style: .code))
    #expect(refused.status == .forbidden)
    #expect(
      String(decoding: refused.body ?? [], as: UTF8.self).contains("ORGANIZATION_NOT_ACTIVE"))
    #expect(await gate.refusal(for: 3, style: .code)?.status == .forbidden)
    #expect(await gate.refusal(for: 3, style: .code)?.status == .forbidden)
    #expect(lookups.withLock { $0 } == [1, 2, 3])
    clock.advance(.seconds(4))
    #expect(await gate.refusal(for: 1, style: .code) == nil)
    #expect(lookups.withLock { $0 }.count == 3)
    // After the TTL admin center is asked again; an organization made inactive is refused.
    clock.advance(.seconds(2))
    failing.withLock { $0 = true }
    #expect(await gate.refusal(for: 1, style: .code)?.status == .serviceUnavailable)
    #expect(await gate.refusal(for: 1, style: .code)?.status == .serviceUnavailable)
    #expect(lookups.withLock { $0 }.count == 5, "a failed lookup is not cached")
    failing.withLock { $0 = false }
    #expect(await gate.refusal(for: 1, style: .code) == nil)
    #expect(lookups.withLock { $0 }.count == 6)
  }
}
