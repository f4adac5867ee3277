import ContactsDomain
import Foundation
import GRPCCore
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle

/// The contacts service assembled: migrations, RPC handlers, the event stream and the
/// background import/export workers, ready for ``ServiceProcess/serve(services:tenancy:background:onListening:)``.
public struct ContactsService: Sendable {
  public let services: [any RegistrableRPCService]
  public private(set) var background: [any Service]
  public let tenancy: TenancyPolicy
  /// The organizations' time zones (C10 age, C40 `consent_at`), from admin center when it is
  /// configured; the import worker reads `consent_at` in it.
  public let timeZones: OrganizationTimeZones
  /// How often person-level writes were run again (C48, C69), also in the process's metrics.
  public let personWriteRetries: PersonWriteRetries

  /// The service's own migrations (versions ≥ 10), from the bundled SQL files.
  public static func migrations() throws -> [PostgresMigration] {
    try PostgresMigration.load(bundle: .module)
  }

  public init(
    process: ServiceProcess, pool: PostgresPool, directory: any OrganizationDirectory,
    domainResolver: any EmailDomainResolver = SystemEmailDomainResolver(),
    importBatchSize: Int = 10_000,
    importLease: Duration = .seconds(30),
    peers: ContactsPeers = ContactsPeers()
  ) {
    let outbox = process.outbox
    let store = ContactStore(pool: pool, outbox: outbox)
    let timeZones = OrganizationTimeZones(gate: process.organizationGate)
    let retries = PersonWriteRetries(metrics: process.metrics)
    self.timeZones = timeZones
    personWriteRetries = retries
    let imports = ImportService(
      pool: pool, directory: directory, lineCredentials: peers.lineCredentials)
    let exports = ExportService(
      pool: pool, outbox: outbox, store: store, directory: directory, filters: peers.filters)
    services = [
      ContactsHandler(
        store: store, directory: directory, imports: imports, exports: exports,
        filters: peers.filters, profiles: peers.profiles, timeZones: timeZones, retries: retries),
      IngestHandler(
        store: store, directory: directory,
        lineProfiles: peers.lineProfiles ?? UnconfiguredLineProfileSource(), timeZones: timeZones,
        profileBudget: peers.lineNameSync.creationFetchTimeout),
      InternalHandler(
        store: store, directory: directory, profiles: peers.profiles, timeZones: timeZones),
      process.eventStream(
        method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor, pool: pool),
    ]
    var workers: [any Service] = [
      ImportWorker(
        pool: pool, outbox: outbox, directory: directory, domainResolver: domainResolver,
        timeZones: timeZones, batchSize: importBatchSize,
        lease: importLease, logger: process.logger, waitsForTags: peers.tagManager != nil),
      ExportWorker(exports: exports, logger: process.logger),
    ]
    // C26: imported tags go to the tag manager when one is configured.
    if let tagManager = peers.tagManager {
      workers.append(TagCommandRelay(pool: pool, tags: tagManager, logger: process.logger))
    }
    if let lineProfiles = peers.lineProfiles {
      workers.append(
        LineNameSyncWorker(
          store: store, source: lineProfiles, settings: peers.lineNameSync, logger: process.logger))
    }
    // §6.2: admin center's organization.updated refreshes the cached zone and status at once.
    if let follower = process.organizationUpdatesFollower(pool: pool) {
      workers.append(follower)
    }
    background = workers
    tenancy = .organizationScoped(callerOnly: ["maac.contacts.v1.ContactsEvents"])
  }
}

/// Runs pending exports in the background (C75).
struct ExportWorker: Service {
  let exports: ExportService
  let logger: Logger

  func run() async throws {
    while !Task.isCancelled {
      do {
        if try await exports.runNext() { continue }
      } catch {
        if Task.isCancelled { return }
        logger.error("export failed", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: .milliseconds(200))
    }
  }
}
