import GRPCCore
import Logging
import MAACContracts
import PostgresClient
import ServiceKit

/// The RPC services of the tags context, for the server to register.
public enum TagsServices {
  /// One handler per service of `maac.tags.v1`, for contract conformance checks that register
  /// the services without a database.
  ///
  /// The pool behind them points nowhere and is never reached: every method refuses a call
  /// without caller metadata (UNAUTHENTICATED) before any storage is touched. A real process
  /// uses ``TagManager``.
  public static func all() -> [any RegistrableRPCService] {
    let process = ServiceProcess(
      name: "tags", configuration: ServiceConfiguration(logLevel: .critical))
    let pool = PostgresPool(
      configuration: try! PostgresConfiguration(url: "postgresql://unused@127.0.0.1:1/unused"),
      maxConnections: 1, logger: Logger(label: "maac.tags.unconnected"))
    return TagManager(process: process, pool: pool).services
  }

  /// Methods ("maac.tags.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method.
  public static let implementedMethods: Set<String> = Set(
    (Maac_Tags_V1_TagManagerService.Method.descriptors + Maac_Tags_V1_TagsEvents.Method.descriptors
      + Maac_Tags_V1_TagManagerOps.Method.descriptors)
      .map(\.fullyQualifiedMethod))
}
