import ArgumentParser
import Foundation

/// Runs every workload over both transports in one run and prints the figures side by side
/// with the ratio nghttp2 / reference.
@main
struct BenchmarkCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "transport-benchmarks",
    abstract: "Compare the nghttp2 transport with grpc-swift-nio-transport (loopback, h2c).",
    subcommands: [RunCommand.self, IdleMemoryCommand.self],
    defaultSubcommand: RunCommand.self
  )
}

/// The whole comparison.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run")

  @Option(help: "Rounds per workload and transport; the median round is reported.")
  var rounds = 3

  @Flag(help: "About a tenth of the work per workload, for a smoke run.")
  var quick = false

  @Option(help: "Idle streams held open for the memory figure.")
  var idleStreams = 10_000

  func validate() throws {
    guard self.rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    guard self.idleStreams >= 1 else { throw ValidationError("--idle-streams must be at least 1") }
  }

  func run() async throws {
    let scale = self.quick ? 10 : 1
    var report = Report()

    for concurrency in [1, 64, 1000] {
      let totalCalls = (concurrency == 1 ? 5_000 : 30_000) / scale
      let workload = UnaryWorkload(
        concurrency: concurrency,
        callsPerTask: max(1, totalCalls / concurrency)
      )
      let results = try await self.measure(workload) { $0.callsPerSecond }
      report.add(
        "unary, \(concurrency) streams: calls/s", results.mapValues(\.callsPerSecond),
        higherIsBetter: true)
      report.add(
        "unary, \(concurrency) streams: p50 µs", results.mapValues(\.latency.p50.microseconds),
        higherIsBetter: false)
      report.add(
        "unary, \(concurrency) streams: p99 µs", results.mapValues(\.latency.p99.microseconds),
        higherIsBetter: false)
    }

    let streaming = ServerStreamingWorkload(
      calls: max(1, 10 / scale), messagesPerCall: 10_000, messageSize: 32)
    let streamingResults = try await self.measure(streaming) { $0.messagesPerSecond }
    report.add(
      "server streaming (32 B): msgs/s", streamingResults.mapValues(\.messagesPerSecond),
      higherIsBetter: true)

    let large = ServerStreamingWorkload(calls: 4, messagesPerCall: 32 / scale, messageSize: 1 << 20)
    let largeResults = try await self.measure(large) { $0.bytesPerSecond }
    report.add(
      "1 MiB messages: MiB/s", largeResults.mapValues { $0.bytesPerSecond / 1_048_576 },
      higherIsBetter: true)

    var memory: [TransportUnderTest: IdleMemoryFigures] = [:]
    for transport in TransportUnderTest.allCases {
      memory[transport] = try IdleMemoryFigures.measureInChildProcess(
        transport: transport, streams: self.idleStreams)
    }
    report.add(
      "\(self.idleStreams) idle streams: RSS MiB",
      memory.mapValues { Double($0.openBytes) / 1_048_576 },
      higherIsBetter: false
    )
    report.add(
      "\(self.idleStreams) idle streams: RSS growth MiB",
      memory.mapValues { Double($0.openBytes - $0.baselineBytes) / 1_048_576 },
      higherIsBetter: false
    )

    print(report.rendered(rounds: self.rounds, quick: self.quick))
  }

  /// Runs `workload` `rounds` times over each transport, alternating transports so that
  /// background load on the machine hits both alike; returns each transport's median round
  /// by `key`.
  private func measure<W: Workload>(
    _ workload: W,
    by key: (W.Output) -> Double
  ) async throws -> [TransportUnderTest: W.Output] {
    var outputs: [TransportUnderTest: [W.Output]] = [:]
    for _ in 0..<self.rounds {
      for transport in TransportUnderTest.allCases {
        outputs[transport, default: []].append(try await transport.run(workload))
      }
    }
    return outputs.mapValues { rounds in
      rounds.sorted { key($0) < key($1) }[rounds.count / 2]
    }
  }
}

/// Internal: measures the idle-streams memory of one transport in this (fresh) process.
struct IdleMemoryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "idle-memory",
    abstract: "Internal: print VmRSS before and with N idle streams open over one transport.",
    shouldDisplay: false
  )

  @Option var transport: String
  @Option var streams: Int

  func run() async throws {
    guard let transport = TransportUnderTest(rawValue: self.transport) else {
      throw ValidationError(
        "--transport must be one of \(TransportUnderTest.allCases.map(\.rawValue))")
    }
    let output = try await transport.run(IdleStreamsWorkload(streams: self.streams))
    print(IdleMemoryFigures(baselineBytes: output.baselineBytes, openBytes: output.openBytes).line)
  }
}
