import Foundation
import GRPCCore
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle

/// The tag manager assembled: RPC services and background work over one pool.
public struct TagManager: Sendable {
  /// Background tuning (tests slow the bulk job runner down to interrupt it).
  public struct Settings: Sendable {
    /// Contacts per bulk job batch transaction.
    public var bulkBatchSize: Int
    /// Pause between bulk job batches.
    public var bulkBatchPause: Duration
    /// How often idle background loops look for work.
    public var pollInterval: Duration
    /// How often the current day's coverage snapshot is recomputed (T21).
    public var coverageInterval: Duration

    /// Production defaults.
    public init(
      bulkBatchSize: Int = 10_000, bulkBatchPause: Duration = .zero,
      pollInterval: Duration = .milliseconds(200), coverageInterval: Duration = .seconds(600)
    ) {
      self.coverageInterval = coverageInterval
      self.bulkBatchSize = bulkBatchSize
      self.bulkBatchPause = bulkBatchPause
      self.pollInterval = pollInterval
    }
  }

  /// The service's own migrations (versions from 10), SwiftPM resources.
  public static func migrations() throws -> [PostgresMigration] {
    try PostgresMigration.load(bundle: .module)
  }

  /// Tenancy: every method needs an organization except the event stream and the operator
  /// service, which service callers use across organizations.
  public static let tenancy = TenancyPolicy.organizationScoped(
    callerOnly: [
      Maac_Tags_V1_TagsEvents.descriptor.fullyQualifiedService,
      Maac_Tags_V1_TagManagerOps.descriptor.fullyQualifiedService,
    ])

  /// RPC services to register.
  public let services: [any RegistrableRPCService]
  /// Background loops: bulk job runner, deleted-tag clean-up, expiry sweeper, the follower
  /// of contacts' events (peer `contacts`, T25) and the follower of CDH's tag propagation
  /// (peer `cdh`, T23). Peers `segments` (bulk filters, T16) and `admin` (known
  /// organizations, issue #9) are ServiceKit clients of the process.
  public let background: [any ServiceLifecycle.Service]

  /// Assembles the service for `process` on `pool` (migrations already applied).
  public init(process: ServiceProcess, pool: PostgresPool, settings: Settings = Settings()) {
    let outbox = process.outbox
    // Peer clients are ServiceKit's, connected while the process serves.
    let cdh = try? process.client(forPeer: "cdh")
    let contacts = try? process.client(forPeer: "contacts")
    let segments = SegmentTargets(segments: try? process.client(forPeer: "segments"))
    let definitions = TagDefinitionStore(pool: pool, outbox: outbox, link: CDHLink(cdh: cdh))
    let associations = AssociationStore(outbox: outbox)
    let jobs = BulkJobStore(pool: pool, outbox: outbox)
    let cleaner = DeletedTagCleaner(
      pool: pool, associations: associations, pollInterval: settings.pollInterval,
      logger: process.logger)
    let sweeper = ExpirySweeper(pool: pool, associations: associations, logger: process.logger)
    let coverage = CoverageCalculator(
      pool: pool, contacts: contacts, gate: process.organizationGate,
      interval: settings.coverageInterval, logger: process.logger)
    let runner = BulkJobRunner(
      pool: pool, jobs: jobs, definitions: definitions, associations: associations,
      segments: segments,
      settings: BulkJobRunner.Settings(
        batchSize: settings.bulkBatchSize, pollInterval: settings.pollInterval,
        batchPause: settings.bulkBatchPause),
      logger: process.logger)
    services = [
      TagManagerHandler(
        pool: pool, definitions: definitions, associations: associations, jobs: jobs,
        cleaner: cleaner, segments: segments, directory: ContactDirectory(contacts: contacts)),
      TagManagerOpsHandler(pool: pool, sweeper: sweeper, coverage: coverage),
      process.eventStream(method: Maac_Tags_V1_TagsEvents.Method.Subscribe.descriptor, pool: pool),
    ]
    let coverageJobs = CoverageJobRunner(
      pool: pool, coverage: coverage, pollInterval: settings.pollInterval, logger: process.logger)
    var background: [any ServiceLifecycle.Service] = [
      runner, cleaner, sweeper, coverage, coverageJobs,
    ]
    // T23: follow CDH's tag propagation when CDH is configured as a peer.
    if let cdh {
      background.append(
        CDHTagFollower(
          cdh: cdh, pool: pool,
          store: InboundTagStore(
            associations: associations, directory: ContactDirectory(contacts: contacts)),
          gate: process.organizationGate, logger: process.logger))
    }
    // T25, T21: follow contacts' events when the contacts service is configured as a peer.
    if let contacts {
      background.append(
        ContactEventsFollower(
          contacts: contacts, pool: pool,
          lifecycle: ContactLifecycleStore(associations: associations), logger: process.logger))
    }
    self.background = background
  }
}
