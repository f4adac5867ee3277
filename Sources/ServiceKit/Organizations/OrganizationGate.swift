import GRPCCore
import Synchronization

/// Refuses organizations admin center does not know (or has disabled), so no service ever
/// treats an arbitrary `x-maac-org-id` as a tenant.
///
/// Answers are cached: a known organization for ``knownLifetime``, an unknown one for the
/// much shorter ``unknownLifetime`` (an organization created a moment ago must become usable
/// quickly). When admin center cannot be reached, the last known answer is used however old;
/// with none, the call is refused as UNAVAILABLE rather than let through.
public final class OrganizationGate: Sendable {
  public let registry: any OrganizationRegistry
  public let knownLifetime: Duration
  public let unknownLifetime: Duration
  private let now: @Sendable () -> ContinuousClock.Instant
  private let cache = Mutex<[Int64: Entry]>([:])

  private struct Entry {
    var organization: KnownOrganization?
    var fetchedAt: ContinuousClock.Instant
    /// Set by ``invalidate(_:)``: ask admin center at the next call, but keep the answer as
    /// the fallback while admin center cannot be reached.
    var stale = false
  }

  /// - Parameter now: the clock the lifetimes are measured on (tests move it by hand).
  public init(
    registry: any OrganizationRegistry,
    knownLifetime: Duration = .seconds(60),
    unknownLifetime: Duration = .seconds(2),
    now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
  ) {
    self.now = now
    self.registry = registry
    self.knownLifetime = knownLifetime
    self.unknownLifetime = unknownLifetime
  }

  /// The organization when it may be served; otherwise the error to answer with. Runs on the
  /// caller's executor (`nonisolated(nonsending)`): a cached answer costs no executor hop.
  @discardableResult
  nonisolated(nonsending) public func admit(_ id: Int64) async throws(RPCError) -> KnownOrganization
  {
    let organization = try await lookUp(id)
    guard let organization else {
      throw RPCError(
        ServiceError(
          .notFound, "organization \(id) is not known to admin center",
          reason: "ORGANIZATION_NOT_FOUND"))
    }
    guard organization.active else {
      throw RPCError(
        ServiceError(
          .failedPrecondition, "organization \(id) is disabled", reason: "ORGANIZATION_NOT_ACTIVE"))
    }
    return organization
  }

  /// Makes the next call about `id` ask admin center again (e.g. on admin's
  /// `organization.updated`). The answer held so far stays the fallback for when admin
  /// center cannot be reached, as after its lifetime runs out.
  public func invalidate(_ id: Int64) {
    cache.withLock { $0[id]?.stale = true }
  }

  nonisolated(nonsending) private func lookUp(_ id: Int64) async throws(RPCError)
    -> KnownOrganization?
  {
    let cached = cache.withLock { $0[id] }
    if let cached {
      let lifetime = cached.organization == nil ? unknownLifetime : knownLifetime
      if !cached.stale, now() - cached.fetchedAt < lifetime { return cached.organization }
    }
    do {
      let organization = try await registry.organization(id: id)
      cache.withLock { $0[id] = Entry(organization: organization, fetchedAt: now()) }
      return organization
    } catch {
      if let known = cached?.organization { return known }
      throw RPCError(
        ServiceError(
          .unavailable, "admin center cannot confirm organization \(id): \(error)",
          reason: "ORGANIZATION_UNCONFIRMED"))
    }
  }
}
