import CdhService
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle

// The CDH unification service: migrations, engine start-up, RPCs, its event stream and the
// followers of the contacts, tags and admin center streams (peers `contacts`, `tags` and
// `admin`, when configured).
let process = try ServiceProcess(name: "cdh")
let pool = try await process.openDatabase(migrations: try CDHMigrations.all())
// With peer `admin`, unknown organizations are refused by RPC (the platform interceptor) and
// in inbound events (the runtime asks the same gate).
let runtime = try await CDHRuntime.start(
  pool: pool, outbox: process.outbox, logger: process.logger,
  options: CDHRuntimeOptions(organizationGate: process.organizationGate))
let contacts = process.configuration.peers["contacts"]
let tags = process.configuration.peers["tags"]
let admin = process.configuration.peers["admin"]
if contacts == nil || tags == nil || admin == nil {
  process.logger.warning(
    "contacts, tags or admin peer not configured: that event stream is not followed")
}
let logger = process.logger
try await process.serve(
  services: CdhServices.all(
    runtime: runtime,
    eventStream: process.eventStream(
      method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, pool: pool)),
  tenancy: CdhServices.tenancy,
  background: [
    ClosureService("cdh-event-followers") {
      // The consumers loop until cancelled: end them when the process shuts down gracefully.
      try await cancelWhenGracefulShutdown {
        try await CDHEventFollowers.run(
          runtime: runtime, pool: pool, contacts: contacts, tags: tags, admin: admin,
          logger: logger,
          writeBack: ContactsWriteBack(
            runtime: runtime, pool: pool, outbox: process.outbox, logger: logger))
      }
    }
  ])
