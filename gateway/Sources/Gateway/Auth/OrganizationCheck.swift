import GRPCCore
import GRPCNGHTTP2Transport
import ServiceKit

/// GQ6: a verified token names an organization; admin center decides whether it is a tenant.
/// An organization admin center does not know, or has made inactive, is refused with 403
/// `ORGANIZATION_NOT_ACTIVE` before anything is forwarded: a token is never a way to conjure a
/// tenant.
///
/// The lookup and its cache are ServiceKit's ``OrganizationGate`` (the one every service uses),
/// asking admin center's `AdminInternal.GetOrganization` as `system:gateway`; answers are
/// reused for a few seconds, never looked up per request. When admin center cannot confirm an
/// organization it has never confirmed before, the request is refused with 503.
public struct OrganizationCheck: Sendable {
  public let gate: OrganizationGate

  public init(gate: OrganizationGate) { self.gate = gate }

  /// A check asking admin center over `client`.
  /// - Parameters:
  ///   - knownLifetime: how long a known organization's answer is reused ("a few seconds").
  ///   - unknownLifetime: how long an unknown organization stays refused without asking again.
  ///   - lookupTimeout: how long one question to admin center may take.
  public init(
    admin client: GRPCClient<NGHTTP2ClientTransport>, knownLifetime: Duration = .seconds(5),
    unknownLifetime: Duration = .seconds(2), lookupTimeout: Duration = .seconds(5)
  ) {
    self.init(
      gate: OrganizationGate(
        registry: AdminOrganizationRegistry(
          client: client, service: "gateway", timeout: lookupTimeout),
        knownLifetime: knownLifetime, unknownLifetime: unknownLifetime))
  }

  /// The HTTP refusal for a request of `organizationID`, or `nil` when it may go on.
  nonisolated(nonsending) public func refusal(for organizationID: Int64, style: ErrorStyle) async
    -> HTTPResult?
  {
    do {
      try await gate.admit(organizationID)
      return nil
    } catch  where error.code == .unavailable {
      return ErrorRenderer.result(
        .serviceUnavailable, style: style, code: "SERVICE_UNAVAILABLE",
        message: "Service unavailable")
    } catch {
      // Unknown and disabled get one answer: the caller learns the token is not usable, not
      // which tenants exist.
      return ErrorRenderer.result(
        .forbidden, style: style, code: "ORGANIZATION_NOT_ACTIVE",
        message: "The token's organization is unknown or not active")
    }
  }

  /// The same decision for the gRPC pass-through: the status to answer, or `nil`.
  nonisolated(nonsending) public func rpcRefusal(for organizationID: Int64) async -> RPCError? {
    do {
      try await gate.admit(organizationID)
      return nil
    } catch  where error.code == .unavailable {
      return RPCError(code: .unavailable, message: "Service unavailable")
    } catch {
      return RPCError(
        code: .permissionDenied, message: "The token's organization is unknown or not active",
        metadata: [ServiceError.reasonMetadataKey: "ORGANIZATION_NOT_ACTIVE"])
    }
  }
}
