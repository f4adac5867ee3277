import GRPCCore
import Logging
import MAACContracts
import PostgresClient
import ServiceKit

/// The RPC services of the admin context, for contract conformance checks that register the
/// services without a database.
public enum AdminServices {
  /// One handler per service of `maac.admin.v1`: the real ones (``AdminServer/services``) on
  /// a pool that points nowhere and is never reached (every implemented method refuses a call
  /// without caller metadata before touching storage), plus the AdminTesting skeleton, which
  /// the real server does not register.
  public static func all() -> [any RegistrableRPCService] {
    let process = ServiceProcess(
      name: AdminServer.name, configuration: ServiceConfiguration(logLevel: .critical))
    let pool = PostgresPool(
      configuration: try! PostgresConfiguration(url: "postgresql://unused@127.0.0.1:1/unused"),
      maxConnections: 1, logger: Logger(label: "maac.admin.unconnected"))
    return AdminServer.services(process: process, pool: pool) + [AdminTestingHandler()]
  }

  /// Methods ("maac.admin.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method.
  public static let implementedMethods: Set<String> = Set(
    [
      Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor,
      Maac_Admin_V1_AdminInternal.Method.GetOrganizationSettings.descriptor,
      Maac_Admin_V1_AdminInternal.Method.GetChannel.descriptor,
      Maac_Admin_V1_AdminInternal.Method.ListChannels.descriptor,
      Maac_Admin_V1_AdminInternal.Method.ListCustomFieldDefinitions.descriptor,
      Maac_Admin_V1_AdminInternal.Method.GetChannelCredentials.descriptor,
      Maac_Admin_V1_AdminOps.Method.CreateOrganization.descriptor,
      Maac_Admin_V1_AdminOps.Method.CreateChannel.descriptor,
      Maac_Admin_V1_AdminOps.Method.SetCustomFieldDefinition.descriptor,
      Maac_Admin_V1_AdminOps.Method.Provision.descriptor,
      Maac_Admin_V1_AdminOps.Method.UpdateOrganization.descriptor,
      Maac_Admin_V1_AdminOps.Method.SetChannelCredentials.descriptor,
      Maac_Admin_V1_AdminCenter.Method.ListChannels.descriptor,
      Maac_Admin_V1_AdminEvents.Method.Subscribe.descriptor,
    ].map(\.fullyQualifiedMethod))
}
