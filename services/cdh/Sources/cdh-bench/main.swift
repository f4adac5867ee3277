import CDHDomain
import CdhService
import Foundation
import PostgresClient
import ServiceKit

// Scale benchmark of CDH (issue #7 "Scale"): not run by tests.
//
//   cdh-bench [contacts=1000000] [samples=10000] [--engine-only]
//
// 1. builds N contacts in one scope without keys (pairs share a customer id, pairs of pairs
//    a phone, so the job makes profiles of 4);
// 2. reference, engine only: changes the keys to (custom_id, display_mobile), times the
//    re-unification in memory and single contact changes on the result;
// 3. end to end with PostgreSQL (admin URL in MAAC_BENCH_DATABASE_URL or
//    MAAC_TEST_DATABASE_URL; a throwaway role and schema): bulk-loads the same contacts,
//    changes the keys through the runtime and times until the job's last batch committed,
//    then times persisted single changes (each its own transaction).

let arguments = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let engineOnly = CommandLine.arguments.contains("--engine-only")
let count = arguments.first.flatMap { Int64($0) } ?? 1_000_000
let changeSamples = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000

/// CPU time of this process or thread: the machine is shared, so wall time alone mixes in
/// time spent waiting for a core.
func cpuSeconds(_ clock: clockid_t) -> Double {
  var spec = timespec()
  clock_gettime(clock, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func seconds(since start: ContinuousClock.Instant) -> Double {
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Peak resident set size (VmHWM) in MB.
func peakResidentMB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return 0 }
  let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
  return kilobytes / 1024
}

/// Resets the peak-RSS counter so each phase reports its own peak.
func resetPeakResident() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func loadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ")
    .prefix(3).joined(separator: " ") ?? "?"
}

func percentile(_ p: Double, _ sorted: [Double]) -> Double {
  sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
}

let org = OrgRef(1)
let base = Instant.seconds(1_700_000_000)
let keys: [UnifyKeySet.Requested] = [.key(.customID), .key(.displayMobile)]

func contactEvent(_ id: Int64) -> EntityEvent {
  let at = base.adding(microseconds: id)
  return EntityEvent(
    eventID: id, kind: .created, member: .maac(id), org: org, occurredAt: at, origin: .channel,
    state: InboundEntityState(channelType: "line", reachable: true),
    changes: [
      InboundAttributeChange(
        attribute: "custom_id", newValue: "C\(id / 2)", sourceTimestamp: at, origin: .channel),
      InboundAttributeChange(
        attribute: "display_mobile", newValue: "09\(String(format: "%08d", id / 4))",
        sourceTimestamp: at, origin: .channel),
      InboundAttributeChange(
        attribute: "display_name", newValue: "Name \(id)", sourceTimestamp: at, origin: .channel),
    ])
}

/// A contact's customer id moves to another pair's id: one split and one merge.
func moveEvent(_ sample: Int, after now: Instant, using generator: inout some RandomNumberGenerator)
  -> EntityEvent
{
  let member = Int64.random(in: 1...count, using: &generator)
  let target = Int64.random(in: 1...count, using: &generator)
  let at = now.adding(microseconds: Int64(sample + 1) * 10)
  return EntityEvent(
    eventID: count + Int64(sample) + 1, kind: .updated, member: .maac(member), org: org,
    occurredAt: at, origin: .user,
    changes: [
      InboundAttributeChange(
        attribute: "custom_id", newValue: "C\(target / 2)", sourceTimestamp: at, origin: .user)
    ])
}

print(
  "cdh-bench: \(count) contacts, \(changeSamples) single changes, load average \(loadAverage())")
var engine = UnificationEngine()
let scopeID = engine.ensureScope(for: org, now: base)
var start = ContinuousClock.now
for id in Int64(1)...count {
  _ = engine.apply(contactEvent(id), now: base.adding(microseconds: id))
}
print(String(format: "build engine: %.2f s", seconds(since: start)))

// MARK: Reference: the engine alone, in memory.

var engineJobSeconds = 0.0
do {
  var reference = engine
  let now = base.adding(microseconds: count + 10)
  start = ContinuousClock.now
  let cpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
  _ = try reference.updateKeys(
    scopeID: scopeID, keys: try UnifyKeySet.validate(keys), target: .org, actor: .system, now: now)
  let (changes, stats) = reference.reunify(
    scopeIDs: [scopeID], type: .unifyScopeSettingUpdate, correlationID: "bench", now: now)
  engineJobSeconds = seconds(since: start)
  let jobCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
  print(
    String(
      format:
        "[engine only] re-unify %lld contacts with 2 keys: %.2f s wall, %.2f s CPU (%d influenced, %d profiles published in %d messages)",
      count, engineJobSeconds, jobCPU, stats.influencedEntities, stats.profilesPublished,
      BroadcastBatcher.batches(changes.profileItems).count))
  var generator = SystemRandomNumberGenerator()
  var durations: [Double] = []
  for sample in 0..<changeSamples {
    let event = moveEvent(sample, after: now, using: &generator)
    let begin = ContinuousClock.now
    _ = reference.apply(event, now: event.occurredAt)
    durations.append(seconds(since: begin))
  }
  durations.sort()
  print(
    String(
      format: "[engine only] single change at %lld contacts: p50 %.3f ms, p99 %.3f ms, max %.3f ms",
      count, percentile(0.5, durations), percentile(0.99, durations), durations.last! * 1000))
  print(
    String(format: "[engine only] peak resident memory (two engines): %.0f MB", peakResidentMB()))
}

guard !engineOnly else { exit(0) }

// MARK: End to end: the runtime with PostgreSQL.

guard
  let adminURL = ProcessInfo.processInfo.environment["MAAC_BENCH_DATABASE_URL"]
    ?? ProcessInfo.processInfo.environment["MAAC_TEST_DATABASE_URL"],
  var components = URLComponents(string: adminURL)
else {
  print(
    "set MAAC_BENCH_DATABASE_URL (or MAAC_TEST_DATABASE_URL) to a superuser URL, or pass --engine-only"
  )
  exit(2)
}
let schema = "cdh_bench_\(ProcessInfo.processInfo.processIdentifier)"
let password = UUID().uuidString
let admin = PostgresPool(configuration: try PostgresConfiguration(url: adminURL), maxConnections: 2)
let provisioner = PostgresProvisioner(admin: admin)
try await provisioner.provisionService(schema, password: password)
components.user = schema
components.password = password
let process = ServiceProcess(
  name: "cdh",
  configuration: ServiceConfiguration(
    databaseURL: components.string, databaseSchema: schema, databasePoolSize: 4,
    logLevel: .error))
do {
  let pool = try await process.openDatabase(migrations: try CDHMigrations.all())
  resetPeakResident()
  start = ContinuousClock.now
  let runtime = try await CDHRuntime.bulkLoad(
    engine, pool: pool, outbox: process.outbox, logger: process.logger)
  engine = UnificationEngine()  // the runtime holds the only copy from here on
  print(
    String(
      format: "bulk load of %lld contacts into PostgreSQL (COPY): %.2f s", count,
      seconds(since: start)))

  let batchSize = CDHRuntimeOptions().jobBatchSize
  print("settings change -> job in batches of \(batchSize) entities, load average \(loadAverage())")
  start = ContinuousClock.now
  let cpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
  let (_, jobID) = try await runtime.updateKeys(
    caller: org, scopeID: 0, keys: keys, actor: .system)
  await runtime.idle()
  let jobSeconds = seconds(since: start)
  let jobCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
  let job = try await pool.query(
    "SELECT status, influenced_entities, batches_published FROM reunify_job WHERE job_id = \(jobID)"
  )[0]
  let profilesOfFour = try await pool.query(
    "SELECT count(*) AS n FROM profile WHERE NOT retired AND member_count = 4")[0].decode(
      "n", as: Int64.self)
  let memberships = try await pool.query("SELECT count(*) AS n FROM unified_member")[0].decode(
    "n", as: Int64.self)
  print(
    String(
      format:
        "[persisted] re-unify %lld contacts with 2 keys, settings change to last batch committed: %.2f s wall, %.2f s CPU of this process (status %@, %lld influenced, %lld messages; %lld profiles of 4, %lld memberships in PostgreSQL)",
      count, jobSeconds, jobCPU, try job.decode("status", as: String.self),
      try job.decode("influenced_entities", as: Int64.self),
      try job.decode("batches_published", as: Int64.self), profilesOfFour, memberships))
  print(String(format: "[persisted] / [engine only] job time: %.2f", jobSeconds / engineJobSeconds))

  // Reference for the persisted changes: the same pool's floor for one durable commit (a
  // one-row update, so the commit waits for its WAL flush like every CDH write does).
  var floor: [Double] = []
  for _ in 0..<500 {
    let begin = ContinuousClock.now
    try await pool.withTransaction { connection in
      _ = try await connection.execute(
        "UPDATE engine_sequence SET next_version = next_version")
    }
    floor.append(seconds(since: begin))
  }
  floor.sort()
  print(
    String(
      format:
        "[reference] one durable one-row transaction on this cluster (500 samples): p50 %.3f ms, p99 %.3f ms",
      percentile(0.5, floor), percentile(0.99, floor)))

  var generator = SystemRandomNumberGenerator()
  var durations: [Double] = []
  let persistedSamples = min(changeSamples, 5_000)
  let now = Instant.now
  for sample in 0..<persistedSamples {
    let event = moveEvent(sample, after: now, using: &generator)
    let begin = ContinuousClock.now
    try await runtime.apply(event)
    durations.append(seconds(since: begin))
  }
  durations.sort()
  print(
    String(
      format:
        "[persisted] single change at %lld contacts (%d samples, one transaction each): p50 %.3f ms, p99 %.3f ms, max %.3f ms",
      count, persistedSamples, percentile(0.5, durations), percentile(0.99, durations),
      durations.last! * 1000))
  print(
    String(
      format: "[persisted] / [reference] single change: p50 %.2f, p99 %.2f",
      percentile(0.5, durations) / percentile(0.5, floor),
      percentile(0.99, durations) / percentile(0.99, floor)))
  print(
    String(
      format: "[persisted] peak resident memory (one engine + writes): %.0f MB", peakResidentMB()))
  // Issue #7's targets, judged on this run (they are set for 1,000,000 contacts).
  let singleP99 = percentile(0.99, durations)
  print(
    String(
      format:
        "[targets at %lld contacts] job %.1f s (< 60 s: %@); single change p99 %.2f ms (< 10 ms: %@; a bare durable commit's p99 here: %.2f ms)",
      count, jobSeconds, jobSeconds < 60 ? "met" : "missed", singleP99,
      singleP99 < 10 ? "met" : "missed", percentile(0.99, floor)))
  print("load average at the end: \(loadAverage())")
  await pool.shutdown()
} catch {
  print("benchmark failed: \(error)")
}
try? await provisioner.dropService(schema)
await admin.shutdown()
