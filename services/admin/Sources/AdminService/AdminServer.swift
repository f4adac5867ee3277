import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit

/// How admin center is assembled: its migrations, the services it serves and which of them
/// need an organization. `maac-admin` and the integration tests use exactly this.
public enum AdminServer {
  /// The process, database role and schema name.
  public static let name = "admin"

  /// Admin center's own migrations (versions from 10; the platform's outbox comes first).
  public static func migrations() throws -> [PostgresMigration] {
    try PostgresMigration.load(bundle: .module, subdirectory: "Migrations")
  }

  /// Every service admin center serves. `credentialCallers` are the service callers
  /// `GetChannelCredentials` answers.
  public static func services(
    process: ServiceProcess, pool: PostgresPool,
    credentialCallers: CredentialCallers = .standard
  ) -> [any RegistrableRPCService] {
    let directory = AdminDirectory(pool: pool)
    let registry = AdminRegistry(pool: pool, outbox: process.outbox)
    return [
      AdminCenterHandler(directory: directory),
      AdminInternalHandler(
        directory: directory, vault: CredentialVault(pool: pool),
        credentialCallers: credentialCallers),
      AdminOpsHandler(registry: registry),
      process.eventStream(
        method: Maac_Admin_V1_AdminEvents.Method.Subscribe.descriptor, pool: pool),
    ]
  }

  /// Ops calls and event subscriptions act across organizations: they need a caller, not an
  /// organization. AdminInternal needs only a caller at the interceptor because
  /// GetOrganization serves service callers asking by id; every other AdminInternal handler
  /// requires `x-maac-org-id` itself (UNAUTHENTICATED without it). AdminCenter, the public
  /// surface, is scoped to the caller's organization.
  public static let tenancy = TenancyPolicy.organizationScoped(
    callerOnly: [
      Maac_Admin_V1_AdminOps.descriptor.fullyQualifiedService,
      Maac_Admin_V1_AdminEvents.descriptor.fullyQualifiedService,
      Maac_Admin_V1_AdminInternal.descriptor.fullyQualifiedService,
    ])
}
