import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts

/// Admin center's `AdminInternal/GetOrganization`, asked as a service on the tenant's behalf.
public struct AdminOrganizationRegistry: OrganizationRegistry {
  private let admin: Maac_Admin_V1_AdminInternal.Client<NGHTTP2ClientTransport>
  private let callerName: String
  private let timeout: Duration

  /// - Parameters:
  ///   - client: a client connected to admin center.
  ///   - service: the asking service's name; the call is made as `system:<service>`.
  ///   - timeout: how long one lookup may take before the registry counts as unreachable.
  public init(
    client: GRPCClient<NGHTTP2ClientTransport>, service: String,
    timeout: Duration = .seconds(5)
  ) {
    self.admin = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
    self.callerName = "system:\(service)"
    self.timeout = timeout
  }

  public func organization(id: Int64) async throws -> KnownOrganization? {
    let caller = CallerContext(
      organizationID: id, userID: callerName,
      requestID: CallerContext.current?.requestID ?? RequestID.generate())
    var options = CallOptions.defaults
    options.timeout = timeout
    do {
      let organization = try await admin.getOrganization(
        Maac_Admin_V1_GetOrganizationRequest(), metadata: caller.metadata, options: options)
      return KnownOrganization(
        id: organization.id, active: organization.active,
        timeZone: organization.timezone.isEmpty ? "Asia/Taipei" : organization.timezone)
    } catch let error as RPCError where error.code == .notFound {
      return nil
    }
  }
}
