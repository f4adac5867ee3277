import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Gateway
import MAACContracts
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceKit
import SwiftProtobuf

/// Runs the load: starts the upstream and the gateway as processes of their own, then
/// alternates 1 s slices of each path so that changes in the machine's load hit them alike,
/// and prints throughput, latency and each process's CPU per request.
///
/// Environment:
/// - `GATEWAY_BENCH_ONLY=gateway|direct|multiplexed|lean`: one path alone.
/// - `GATEWAY_BENCH_PIN=G,W,U`: CPU lists for the driver (load generator), the gateway and the
///   upstream (`taskset -c`), e.g. `0,1,1`.
/// - `GATEWAY_BENCH_CALLGRIND=1`: the gateway runs under `valgrind --tool=callgrind`; its
///   counters are zeroed after the warm-up and dumped after the measured slices, so
///   instructions ÷ requests is the gateway's cost per request.
/// - `GATEWAY_BENCH_GATEWAY_LOOPS=N`, `GATEWAY_BENCH_UPSTREAM_LOOPS=N`: event-loop threads of
///   that child (default: one per core).
/// - `GATEWAY_BENCH_OPEN_LOOP=F,F,...`: the open-loop offered rates, as fractions of the
///   direct 64-connection throughput just measured (default `0.5,0.25`).
struct BenchmarkDriver {
  let slices: Int
  let concurrency = 64

  /// What one path accumulated over its slices.
  struct PathFigures {
    var latencies: [Duration] = []
    /// Each slice's own p99, in slice order: slice `i` of every path ran in round `i` (the
    /// paths take turns, the gateway first), so their differences pair requests that met
    /// nearly the same machine.
    var sliceP99s: [Double] = []
    var seconds: Double = 0
    var generatorCPU: Double = 0
    var gatewayCPU: Double = 0
    var upstreamCPU: Double = 0
  }

  func run() async throws {
    let environment = ProcessInfo.processInfo.environment
    let only = environment["GATEWAY_BENCH_ONLY"]
    let pins = environment["GATEWAY_BENCH_PIN"].map { $0.split(separator: ",").map(String.init) }
    if let pins, pins.count != 3 {
      throw BenchmarkFailure(description: "GATEWAY_BENCH_PIN must be G,W,U (three CPU lists)")
    }
    let callgrind = environment["GATEWAY_BENCH_CALLGRIND"] == "1"
    if let pins {
      // Every thread of this process (event loops, cooperative pool).
      try Self.shell(["taskset", "-a", "-p", "-c", pins[0], "\(getpid())"])
    }

    let state = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-bench-\(UUID().uuidString)"
    ).path
    let keys = DevelopmentKeys(state: state)
    let token = try await keys.mintToken(organizationID: 1, userID: "bench", roles: [])
    let runStarted = ContinuousClock.now
    let stolenAtStart = MachineCPU.stolenSeconds()
    let upstream = try BenchmarkChild.start(["upstream"], cpus: pins?[2], wrapper: [])
    defer { upstream.stop() }
    let wrapper =
      callgrind
      ? ["valgrind", "--tool=callgrind", "--callgrind-out-file=/tmp/gw-callgrind.out.%p"] : []
    let gateway = try BenchmarkChild.start(
      ["gateway", String(upstream.port), keys.jwksPath.path], cpus: pins?[1], wrapper: wrapper)
    defer { gateway.stop() }

    var headers = HTTPHeaders()
    headers.add(name: "host", value: "127.0.0.1")
    headers.add(name: "authorization", value: "Bearer \(token)")
    let head = HTTPRequestHead(
      version: .http1_1, method: .GET, uri: "/api/member/v1/contacts/5", headers: headers)

    let transports = (0..<concurrency).map { _ in
      NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: upstream.port))
    }
    let clients = transports.map { GRPCClient(transport: $0) }
    var paths: [String: PathFigures] = [:]
    let fractions = try Self.openLoopFractions(environment["GATEWAY_BENCH_OPEN_LOOP"])
    var openLoops: [(fraction: Double, offeredRate: Double, paths: [String: PathFigures])] = []
    try await withThrowingDiscardingTaskGroup { group in
      for client in clients { group.addTask { try await client.runConnections() } }
      let stubs = clients.map { Maac_Contacts_V1_Contacts.Client(wrapping: $0) }
      // Opened once and kept from slice to slice, like the direct path's gRPC connections.
      var loadConnections: [HTTPLoadConnection] = []
      if only == nil || only == "gateway" {
        for _ in 0..<concurrency {
          loadConnections.append(
            try await HTTPLoadConnection.connect(port: gateway.port, head: head))
        }
      }
      let names = ["gateway", "direct", "multiplexed", "lean"].filter { only == nil || only == $0 }
      let slice: (String, Duration) async throws -> [Duration] = { name, duration in
        switch name {
        case "gateway":
          try await self.throughGateway(loadConnections, duration)
        case "direct": try await self.direct(stubs, duration)
        case "lean": try await self.lean(transports, duration)
        default: try await self.direct([stubs[0]], duration)
        }
      }
      // Warm-up: connections, the token cache, the GQ6 answer.
      for name in names { _ = try await slice(name, .milliseconds(500)) }
      if callgrind { try Self.shell(["callgrind_control", "-z", "\(gateway.pid)"]) }
      /// Runs one slice and adds its latencies, its time and each process's CPU to `figures`.
      func measure(into figures: inout PathFigures, _ run: () async throws -> [Duration])
        async throws
      {
        let before = (
          ProcessCPU.ownSeconds(), ProcessCPU.seconds(of: gateway.pid),
          ProcessCPU.seconds(of: upstream.pid)
        )
        let started = ContinuousClock.now
        let latencies = try await run()
        let elapsed = ContinuousClock.now - started
        // Let the slice's last work settle (the gateway's replies to the direct path's last
        // streams, timers) before reading the CPU counters, so it is charged to this path.
        try await Task.sleep(for: .milliseconds(200))
        figures.generatorCPU += ProcessCPU.ownSeconds() - before.0
        figures.gatewayCPU += ProcessCPU.seconds(of: gateway.pid) - before.1
        figures.upstreamCPU += ProcessCPU.seconds(of: upstream.pid) - before.2
        // The driver's own bookkeeping after the CPU readings, so it is not charged to the
        // load generator's CPU per request.
        figures.latencies += latencies
        figures.sliceP99s.append(Self.microseconds(Self.percentile(latencies.sorted(), 0.99)))
        figures.seconds += Self.microseconds(elapsed) / 1e6
      }
      for _ in 0..<slices {
        for name in names {
          var figures = paths[name] ?? PathFigures()
          try await measure(into: &figures) { try await slice(name, .seconds(1)) }
          paths[name] = figures
        }
      }
      // Open loop (beside the saturated figures): the gateway and the direct path at the same
      // fixed offered rates, fractions of what the direct path just achieved, so p99 shows
      // what the hop adds rather than the queue a saturated closed loop builds.
      if let direct = paths["direct"], direct.seconds > 0 {
        let directRate = Double(direct.latencies.count) / direct.seconds
        for fraction in fractions {
          let offeredRate = directRate * fraction
          let interval = Duration.nanoseconds(Int64(Double(concurrency) / offeredRate * 1e9))
          var figuresByPath: [String: PathFigures] = [:]
          for _ in 0..<max(2, slices / 2) {
            for name in ["gateway", "direct"] where names.contains(name) {
              var figures = figuresByPath[name] ?? PathFigures()
              try await measure(into: &figures) {
                name == "gateway"
                  ? try await self.throughGateway(loadConnections, .seconds(1), interval: interval)
                  : try await self.direct(stubs, .seconds(1), interval: interval)
              }
              figuresByPath[name] = figures
            }
          }
          openLoops.append((fraction, offeredRate, figuresByPath))
        }
      }
      if callgrind {
        try Self.shell(["callgrind_control", "-d", "\(gateway.pid)"])
        print(
          "callgrind: gateway pid \(gateway.pid), counters since the warm-up dumped to /tmp/gw-callgrind.out.\(gateway.pid).*"
        )
      }
      for connection in loadConnections { await connection.close() }
      for client in clients { client.beginGracefulShutdown() }
    }
    report(paths)
    if let start = stolenAtStart, let end = MachineCPU.stolenSeconds() {
      let capacity =
        Self.microseconds(ContinuousClock.now - runStarted) / 1e6
        * Double(ProcessInfo.processInfo.activeProcessorCount)
      print(
        String(
          format:
            "host: %.1f s of CPU stolen by the hypervisor during the run (%.1f %% of this machine's CPU time)",
          end - start, (end - start) / capacity * 100))
    }
    for openLoop in openLoops {
      reportOpenLoop(openLoop.paths, fraction: openLoop.fraction, offeredRate: openLoop.offeredRate)
    }
  }

  /// The open-loop fractions of `GATEWAY_BENCH_OPEN_LOOP` (default 0.5 and 0.25).
  static func openLoopFractions(_ setting: String?) throws -> [Double] {
    guard let setting else { return [0.5, 0.25] }
    let fractions = setting.split(separator: ",").map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard !fractions.isEmpty, fractions.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 1 }) else {
      throw BenchmarkFailure(
        description: "GATEWAY_BENCH_OPEN_LOOP must be fractions in (0, 1], e.g. 0.5,0.25")
    }
    return fractions.compactMap { $0 }
  }

  /// One slice through the gateway on the 64 keep-alive HTTP/1.1 `connections`, each sending
  /// its next request when the previous one ended, or (open loop) one every `interval`, the
  /// connections' schedules spread evenly over one interval.
  func throughGateway(
    _ connections: [HTTPLoadConnection], _ duration: Duration, interval: Duration? = nil
  ) async throws -> [Duration] {
    try await withThrowingTaskGroup(of: [Duration].self) { group in
      let now = NIODeadline.now()
      let deadline = now + .nanoseconds(Self.nanoseconds(duration))
      for (index, connection) in connections.enumerated() {
        let schedule = interval.map { interval in
          let step = Self.nanoseconds(interval)
          return HTTPLoadHandler.Schedule(
            // First requests due from 100 ms on, as on the direct path.
            first: now + .milliseconds(100)
              + .nanoseconds(step * Int64(index) / Int64(connections.count)),
            interval: .nanoseconds(step))
        }
        group.addTask { try await connection.run(deadline: deadline, schedule: schedule) }
      }
      var all: [Duration] = []
      for try await part in group { all += part }
      return all
    }
  }

  /// One slice direct: 64 concurrent callers, each on `clients[index % clients.count]` (one
  /// connection per caller, or one shared multiplexed connection); with `interval`, open loop
  /// as ``throughGateway(port:head:_:interval:)``: latency from each call's send.
  func direct(
    _ clients: [Maac_Contacts_V1_Contacts.Client<NGHTTP2ClientTransport>], _ duration: Duration,
    interval: Duration? = nil
  ) async throws -> [Duration] {
    let metadata = CallerContext(organizationID: 1, userID: "bench", requestID: "r").metadata
    return try await withThrowingTaskGroup(of: [Duration].self) { group in
      let now = ContinuousClock.now
      let deadline = now + duration
      let concurrency = self.concurrency
      for index in 0..<concurrency {
        let contacts = clients[index % clients.count]
        group.addTask {
          var latencies: [Duration] = []
          var request = Maac_Contacts_V1_GetContactRequest()
          request.contactID = 5
          var next = interval.map { now + .milliseconds(100) + $0 * index / concurrency }
          while ContinuousClock.now < deadline {
            if let due = next, let interval {
              if due > .now { try await Task.sleep(until: due, clock: .continuous) }
              next = due + interval
            }
            // From the send, as on the gateway path (the generator's timer lateness excluded).
            let start = ContinuousClock.now
            _ = try await contacts.getContact(request, metadata: metadata)
            latencies.append(ContinuousClock.now - start)
          }
          return latencies
        }
      }
      var all: [Duration] = []
      for try await part in group { all += part }
      return all
    }
  }

  /// One slice direct with the gateway's own upstream client: 64 callers, each on its own
  /// connection, calling ``NGHTTP2ClientTransport/unary(descriptor:metadata:message:timeout:)``
  /// with the serialized request and decoding the reply (what the gateway does around JSON).
  /// An additional reference: the generated client of ``direct(_:_:interval:)`` costs the load
  /// generator more CPU per call (GRPCCore's call machinery), which on shared cores slows the
  /// direct path and so flatters the gateway's ratio and added p99.
  func lean(_ transports: [NGHTTP2ClientTransport], _ duration: Duration) async throws
    -> [Duration]
  {
    let metadata = CallerContext(organizationID: 1, userID: "bench", requestID: "r").metadata
    var request = Maac_Contacts_V1_GetContactRequest()
    request.contactID = 5
    let message: [UInt8] = try request.serializedBytes()
    let descriptor = Maac_Contacts_V1_Contacts.Method.GetContact.descriptor
    return try await withThrowingTaskGroup(of: [Duration].self) { group in
      let deadline = ContinuousClock.now + duration
      for transport in transports {
        group.addTask {
          var latencies: [Duration] = []
          while ContinuousClock.now < deadline {
            let start = ContinuousClock.now
            let answer = try await transport.unary(
              descriptor: descriptor, metadata: metadata, message: message, timeout: nil)
            _ = try Maac_Contacts_V1_Contact(serializedBytes: answer.message)
            latencies.append(ContinuousClock.now - start)
          }
          return latencies
        }
      }
      var all: [Duration] = []
      for try await part in group { all += part }
      return all
    }
  }

  func report(_ paths: [String: PathFigures]) {
    let titles = [
      "gateway": "through gateway (64 HTTP/1.1 connections)",
      "direct": "direct gRPC (64 connections)",
      "multiplexed": "direct gRPC (64 callers, 1 connection)",
      "lean": "direct gRPC, the gateway's lean unary client (64 connections)",
    ]
    var summary: [String: (rate: Double, p99: Double, cpu: Double)] = [:]
    for name in ["gateway", "direct", "multiplexed", "lean"] {
      guard let figures = paths[name], !figures.latencies.isEmpty else { continue }
      let sorted = figures.latencies.sorted()
      let count = Double(sorted.count)
      let perRequest = { (seconds: Double) in seconds / count * 1e6 }
      let total = figures.generatorCPU + figures.gatewayCPU + figures.upstreamCPU
      let rate = count / figures.seconds
      let p99 = Self.microseconds(Self.percentile(sorted, 0.99))
      print(
        String(
          format:
            "%@: %.0f req/s, p50 %.0f µs, p99 %.0f µs (%d requests); CPU per request: generator %.1f µs, gateway %.1f µs, upstream %.1f µs, total %.1f µs",
          titles[name]!, rate, Self.microseconds(Self.percentile(sorted, 0.5)), p99, sorted.count,
          perRequest(figures.generatorCPU), perRequest(figures.gatewayCPU),
          perRequest(figures.upstreamCPU), perRequest(total)))
      summary[name] = (rate, p99, perRequest(total))
    }
    guard let gateway = summary["gateway"], let gatewayPath = paths["gateway"] else { return }
    // The gateway process also spends some CPU during the other paths' slices (timers,
    // connection teardown): charged to the gateway's requests too, this is an upper bound.
    let allGatewayCPU = paths.values.reduce(0) { $0 + $1.gatewayCPU }
    print(
      String(
        format:
          "gateway process, all its CPU in the run ÷ gateway requests (upper bound): %.1f µs per request",
        allGatewayCPU / Double(gatewayPath.latencies.count) * 1e6))
    for (name, label) in [
      ("direct", "64 connections each"), ("multiplexed", "1 multiplexed connection"),
      ("lean", "lean unary client, 64 connections each (additional)"),
    ] {
      guard let direct = summary[name] else { continue }
      print(
        String(
          format:
            "gateway vs direct, %@: throughput %.0f %% (target >= 70 %%), added p99 %.0f µs (target < 500 µs), CPU per request %.1f vs %.1f µs (CPU-bound ceiling of the ratio when all share the cores: %.0f %%)",
          label, gateway.rate / direct.rate * 100, gateway.p99 - direct.p99, gateway.cpu,
          direct.cpu, direct.cpu / gateway.cpu * 100))
      if let paired = Self.pairedDifference(gatewayPath, paths[name]) { print("  " + paired) }
    }
  }

  /// The added p99 slice by slice: gateway slice `i` minus the other path's slice `i` (the
  /// same round; for the direct path, the very next slice), as median and range over the
  /// pairs. The pooled p99 above takes the worst 1 % of all slices together, so one slice in
  /// which the host stalled this machine (steal, a neighbour's burst) decides it for whichever
  /// path it hit; the median of paired differences is what most rounds agree on.
  static func pairedDifference(_ gateway: PathFigures, _ other: PathFigures?) -> String? {
    guard let other else { return nil }
    let count = min(gateway.sliceP99s.count, other.sliceP99s.count)
    guard count > 0 else { return nil }
    let differences = (0..<count).map { gateway.sliceP99s[$0] - other.sliceP99s[$0] }.sorted()
    let median =
      count % 2 == 1
      ? differences[count / 2] : (differences[count / 2 - 1] + differences[count / 2]) / 2
    let below = differences.filter { $0 < 500 }.count
    return String(
      format:
        "added p99 slice by slice (%d pairs, one per round): median %.0f µs, range %.0f to %.0f µs, %d of %d pairs under 500 µs",
      count, median, differences.first!, differences.last!, below, count)
  }

  /// The open-loop figures: same offered rate on both paths, below either's capacity.
  func reportOpenLoop(_ paths: [String: PathFigures], fraction: Double, offeredRate: Double) {
    guard let gateway = paths["gateway"], let direct = paths["direct"],
      !gateway.latencies.isEmpty, !direct.latencies.isEmpty
    else { return }
    print(
      String(
        format:
          "open loop at %.0f %% of the direct 64-connection throughput: %.0f req/s offered on each path, 64 connections each, latency from each request's send",
        fraction * 100, offeredRate))
    var p99s: [String: Double] = [:]
    for (name, figures) in [("gateway", gateway), ("direct", direct)] {
      let sorted = figures.latencies.sorted()
      let count = Double(sorted.count)
      let p99 = Self.microseconds(Self.percentile(sorted, 0.99))
      p99s[name] = p99
      print(
        String(
          format:
            "  %@: %.0f req/s achieved, p50 %.0f µs, p99 %.0f µs (%d requests); CPU per request: generator %.1f µs, gateway %.1f µs, upstream %.1f µs; cores busy %.2f of %d",
          name == "gateway" ? "through gateway" : "direct gRPC (64 connections)",
          count / figures.seconds, Self.microseconds(Self.percentile(sorted, 0.5)), p99,
          sorted.count, figures.generatorCPU / count * 1e6, figures.gatewayCPU / count * 1e6,
          figures.upstreamCPU / count * 1e6,
          (figures.generatorCPU + figures.gatewayCPU + figures.upstreamCPU) / figures.seconds,
          ProcessInfo.processInfo.activeProcessorCount))
    }
    print(
      String(
        format: "  open loop at %.0f %%: added p99 %.0f µs (target < 500 µs)", fraction * 100,
        p99s["gateway"]! - p99s["direct"]!))
    if let paired = Self.pairedDifference(gateway, direct) { print("  " + paired) }
  }

  static func nanoseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
  }

  static func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
    sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
  }

  static func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6
  }

  /// Runs a helper tool (taskset, callgrind_control) and waits for it.
  static func shell(_ command: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw BenchmarkFailure(description: "\(command.joined(separator: " ")) failed")
    }
  }
}
