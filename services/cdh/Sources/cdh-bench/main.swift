import CDHDomain
import Foundation

// Scale benchmark of the unification engine (issue #7 "Scale"): not run by tests.
//
// 1. loads N contacts (default 1,000,000) into a scope without keys;
// 2. changes the settings to two keys (custom_id, display_mobile) and times the
//    re-unification job (U18);
// 3. times single contact changes on the resulting graph and prints p50/p99 (U15).

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int64(arguments[1]) ?? 1_000_000 : 1_000_000
let changeSamples = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000

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

var engine = UnificationEngine()
let org = OrgRef(1)
let base = Instant.seconds(1_700_000_000)
let scopeID = engine.ensureScope(for: org, now: base)

// Pairs share a customer id; pairs of pairs share a phone, so components have 4 members.
print("loading \(count) contacts ...")
var start = ContinuousClock.now
for id in Int64(1)...count {
  let at = base.adding(microseconds: id)
  _ = engine.apply(
    EntityEvent(
      eventID: id, kind: .created, member: .maac(id), org: org, occurredAt: at, origin: .channel,
      state: InboundEntityState(channelType: "line", reachable: true),
      changes: [
        InboundAttributeChange(
          attribute: "custom_id", newValue: "C\(id / 2)", sourceTimestamp: at, origin: .channel),
        InboundAttributeChange(
          attribute: "display_mobile", newValue: "09\(String(format: "%08d", id / 4))",
          sourceTimestamp: at,
          origin: .channel),
        InboundAttributeChange(
          attribute: "display_name", newValue: "Name \(id)", sourceTimestamp: at, origin: .channel),
      ]),
    now: at)
}
print(String(format: "load: %.2f s", seconds(since: start)))

let keys = try UnifyKeySet.validate([.customID, .displayMobile])
let now = base.adding(microseconds: count + 10)
start = ContinuousClock.now
let cpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
_ = try engine.updateKeys(scopeID: scopeID, keys: keys, target: .org, actor: .system, now: now)
let (changes, stats) = engine.reunify(
  scopeIDs: [scopeID], type: .unifyScopeSettingUpdate, correlationID: "bench", now: now)
let jobSeconds = seconds(since: start)
let jobCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
let batches = BroadcastBatcher.batches(changes.profileItems).count
print(
  String(
    format:
      "re-unify %lld contacts with 2 keys: %.2f s wall, %.2f s CPU (%d influenced, %d profiles published in %d batches)",
    count, jobSeconds, jobCPU, stats.influencedEntities, stats.profilesPublished, batches))

// Single changes: move a random contact's customer id to another random pair's id, which
// splits one profile and merges two others.
var generator = SystemRandomNumberGenerator()
var durations: [Double] = []
var cpuDurations: [Double] = []
durations.reserveCapacity(changeSamples)
cpuDurations.reserveCapacity(changeSamples)
for sample in 0..<changeSamples {
  let member = Int64.random(in: 1...count, using: &generator)
  let target = Int64.random(in: 1...count, using: &generator)
  let at = now.adding(microseconds: Int64(sample + 1) * 10)
  let event = EntityEvent(
    eventID: count + Int64(sample) + 1, kind: .updated, member: .maac(member), org: org,
    occurredAt: at,
    origin: .user,
    changes: [
      InboundAttributeChange(
        attribute: "custom_id", newValue: "C\(target / 2)", sourceTimestamp: at, origin: .user)
    ])
  let begin = ContinuousClock.now
  let cpuBegin = cpuSeconds(CLOCK_THREAD_CPUTIME_ID)
  _ = engine.apply(event, now: at)
  cpuDurations.append(cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpuBegin)
  durations.append(seconds(since: begin))
}
durations.sort()
cpuDurations.sort()
let sorted = durations
let sortedCPU = cpuDurations
func percentile(_ p: Double, _ values: [Double] = sorted) -> Double {
  values[min(values.count - 1, Int(Double(values.count) * p))] * 1000
}
print(
  String(
    format: "single change at %lld contacts (%d samples): p50 %.3f ms, p99 %.3f ms, max %.3f ms",
    count, changeSamples, percentile(0.5), percentile(0.99), sorted.last! * 1000))
print(
  String(
    format: "single change thread CPU time: p50 %.3f ms, p99 %.3f ms, max %.3f ms",
    percentile(0.5, sortedCPU), percentile(0.99, sortedCPU), sortedCPU.last! * 1000))
