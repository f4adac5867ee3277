import GRPCCore
import ServiceKit
import Synchronization
import Testing

/// The gate's caching rules, against a registry whose answers the test controls (the real
/// admin center is exercised in AdminServiceTests/KnownOrganizationGateTests).
@Suite("Organization gate")
struct OrganizationGateTests {
  final class ScriptedRegistry: OrganizationRegistry {
    struct Unreachable: Error {}
    let known = Mutex<Set<Int64>>([])
    let reachable = Mutex(true)
    let lookups = Mutex(0)

    func organization(id: Int64) async throws -> KnownOrganization? {
      lookups.withLock { $0 += 1 }
      guard reachable.withLock({ $0 }) else { throw Unreachable() }
      return known.withLock { $0.contains(id) } ? KnownOrganization(id: id) : nil
    }
  }

  /// A clock the test moves by hand, so no assertion depends on how fast the machine is.
  final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
  }

  @Test(
    "known answers are cached; unknown ones only briefly; an unreachable registry falls back to the last known answer"
  )
  func caching() async throws {
    let registry = ScriptedRegistry()
    registry.known.withLock { $0 = [1] }
    let clock = ManualClock()
    let gate = OrganizationGate(
      registry: registry, knownLifetime: .seconds(60), unknownLifetime: .seconds(2),
      now: { clock.now })

    #expect(try await gate.admit(1).id == 1)
    #expect(try await gate.admit(1).id == 1)
    #expect(registry.lookups.withLock { $0 } == 1)

    await #expect { try await gate.admit(2) } throws: { ($0 as? RPCError)?.code == .notFound }
    registry.known.withLock { _ = $0.insert(2) }
    // Still inside the unknown lifetime: the refusal is cached.
    await #expect { try await gate.admit(2) } throws: { ($0 as? RPCError)?.code == .notFound }
    clock.advance(.seconds(3))
    #expect(try await gate.admit(2).id == 2)
    #expect(try await gate.admit(1).id == 1)
    #expect(registry.lookups.withLock { $0 } == 3, "1 still cached after 3 s of a 60 s lifetime")

    // An invalidated answer is asked for again at once, inside its lifetime.
    registry.known.withLock { _ = $0.remove(1) }
    gate.invalidate(1)
    await #expect { try await gate.admit(1) } throws: { ($0 as? RPCError)?.code == .notFound }
    #expect(registry.lookups.withLock { $0 } == 4)
  }

  @Test(
    "an invalidated known answer is asked for again, and still used while the registry is unreachable (an organization.updated replayed during an admin outage must not lock the organization out)"
  )
  func invalidatedAnswerSurvivesOutage() async throws {
    let registry = ScriptedRegistry()
    registry.known.withLock { $0 = [7] }
    let gate = OrganizationGate(registry: registry)
    #expect(try await gate.admit(7).id == 7)
    registry.reachable.withLock { $0 = false }
    gate.invalidate(7)
    #expect(try await gate.admit(7).id == 7)
    #expect(registry.lookups.withLock { $0 } == 2, "the invalidated answer was asked for again")
    // Never answered: nothing to fall back on.
    gate.invalidate(8)
    await #expect { try await gate.admit(8) } throws: { ($0 as? RPCError)?.code == .unavailable }
  }

  @Test("an expired known answer is still used while the registry is unreachable")
  func staleKnownAnswerSurvivesOutage() async throws {
    let registry = ScriptedRegistry()
    registry.known.withLock { $0 = [5] }
    let clock = ManualClock()
    let gate = OrganizationGate(
      registry: registry, knownLifetime: .seconds(60), unknownLifetime: .seconds(2),
      now: { clock.now })
    #expect(try await gate.admit(5).id == 5)
    registry.reachable.withLock { $0 = false }
    clock.advance(.seconds(120))
    #expect(try await gate.admit(5).id == 5)
    #expect(registry.lookups.withLock { $0 } == 2)
    await #expect { try await gate.admit(6) } throws: { ($0 as? RPCError)?.code == .unavailable }
  }
}
