import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit
import Synchronization

/// GQ6: a verified token names an organization; admin center decides whether it is a tenant.
/// An organization admin center does not know, or has made inactive, is refused with 403
/// `ORGANIZATION_NOT_ACTIVE` before anything is forwarded: a token is never a way to conjure a
/// tenant.
///
/// Answers are cached for `ttl` (a few seconds), so admin center sees at most one lookup per
/// organization and period, never one per request. Failures to reach admin center are not
/// cached and refuse the request with 503 (fail closed).
public final class OrganizationGate: Sendable {
  /// What admin center says about an organization.
  public enum Standing: Sendable, Equatable {
    case active
    /// Known but disabled.
    case inactive
    /// Admin center does not know it.
    case unknown
  }

  /// Looks an organization up (admin center's `AdminInternal.GetOrganization`, in production).
  public typealias Lookup = @Sendable (Int64) async throws -> Standing

  private struct Entry {
    var standing: Standing
    var expires: ContinuousClock.Instant
  }

  private let lookup: Lookup
  private let ttl: Duration
  private let now: @Sendable () -> ContinuousClock.Instant
  private let cache = Mutex<[Int64: Entry]>([:])

  /// - Parameters:
  ///   - ttl: how long an answer is reused.
  ///   - now: the clock (tests move it).
  public init(
    ttl: Duration = .seconds(5), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
    lookup: @escaping Lookup
  ) {
    self.lookup = lookup
    self.ttl = ttl
    self.now = now
  }

  /// A gate asking admin center over `client` as the service caller `system:gateway`.
  public convenience init(
    admin client: GRPCClient<NGHTTP2ClientTransport>, ttl: Duration = .seconds(5)
  ) {
    self.init(ttl: ttl) { organizationID in
      let internalAPI = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
      var request = Maac_Admin_V1_GetOrganizationRequest()
      request.organizationID = organizationID
      let caller = CallerContext(
        organizationID: nil, userID: "system:gateway", requestID: RequestID.generate())
      var options = CallOptions.defaults
      options.timeout = .seconds(5)
      options.waitForReady = false
      do {
        let organization = try await internalAPI.getOrganization(
          request, metadata: caller.metadata, options: options)
        return organization.active ? .active : .inactive
      } catch let error as RPCError where error.code == .notFound {
        return .unknown
      }
    }
  }

  /// The organization's standing, from the cache while fresh.
  public func standing(of organizationID: Int64) async throws -> Standing {
    let instant = now()
    if let entry = cache.withLock({ $0[organizationID] }), entry.expires > instant {
      return entry.standing
    }
    let standing = try await lookup(organizationID)
    cache.withLock { $0[organizationID] = Entry(standing: standing, expires: now() + ttl) }
    return standing
  }

  /// The HTTP refusal for a request of `organizationID`, or `nil` when it may go on.
  public func refusal(for organizationID: Int64, style: ErrorStyle) async -> HTTPResult? {
    let standing: Standing
    do {
      standing = try await self.standing(of: organizationID)
    } catch {
      return ErrorRenderer.result(
        .serviceUnavailable, style: style, code: "SERVICE_UNAVAILABLE",
        message: "Service unavailable")
    }
    switch standing {
    case .active: return nil
    case .inactive, .unknown:
      // One message for both: the caller learns the token is not usable, not which tenants exist.
      return ErrorRenderer.result(
        .forbidden, style: style, code: "ORGANIZATION_NOT_ACTIVE",
        message: "The token's organization is unknown or not active")
    }
  }
}
