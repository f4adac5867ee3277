import GRPCCore
import Logging
import MAACContracts
import PostgresClient
import ServiceKit

/// The RPC services of the contacts context, for registration checks.
public enum ContactsServices {
  /// One handler per service of `maac.contacts.v1`, over a pool that connects only when a
  /// call passes the tenancy checks — enough to list and reach every method without a
  /// database. Servers use ``ContactsService`` instead.
  public static func all() -> [any RegistrableRPCService] {
    let pool = PostgresPool(
      configuration: try! PostgresConfiguration(url: "postgresql://contacts@127.0.0.1:1/contacts"),
      logger: Logger(label: "maac.contacts.registration"))
    let outbox = Outbox(producer: "contacts")
    let directory = StaticOrganizationDirectory()
    let store = ContactStore(pool: pool, outbox: outbox)
    return [
      ContactsHandler(
        store: store, directory: directory,
        imports: ImportService(pool: pool, directory: directory),
        exports: ExportService(pool: pool, outbox: outbox, store: store, directory: directory),
        filters: UnreachableFilterEvaluator(), profiles: UnreachableProfileAuthority(),
        timeZones: OrganizationTimeZones(gate: nil), retries: PersonWriteRetries()),
      EventStreamService(
        method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor, outbox: outbox,
        pool: pool,
        wakeups: OutboxWakeups()),
      IngestHandler(store: store, directory: directory),
      InternalHandler(store: store, directory: directory),
    ]
  }

  /// Every method of `maac.contacts.v1` has a real handler.
  public static let implementedMethods: Set<String> = Set(
    (Maac_Contacts_V1_Contacts.Method.descriptors
      + Maac_Contacts_V1_ContactsIngest.Method.descriptors
      + Maac_Contacts_V1_ContactsInternal.Method.descriptors
      + Maac_Contacts_V1_ContactsEvents.Method.descriptors)
      .map(\.fullyQualifiedMethod))
}
