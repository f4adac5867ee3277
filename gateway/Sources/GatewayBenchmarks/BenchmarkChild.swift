import Foundation

/// A benchmark role (upstream or gateway) running as its own process, so its CPU time is
/// measured apart from the load generator's and the other role's.
struct BenchmarkChild {
  let process: Process
  /// The port the child printed as its first line (`port N`).
  let port: Int

  var pid: Int32 { process.processIdentifier }

  /// Starts `GatewayBenchmarks <arguments>`, optionally pinned to `cpus` with `taskset` and
  /// wrapped by `wrapper` (e.g. `valgrind --tool=callgrind`), and waits for its port line.
  static func start(_ arguments: [String], cpus: String?, wrapper: [String]) throws
    -> BenchmarkChild
  {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    var command = wrapper + [executable] + arguments
    if let cpus { command = ["taskset", "-c", cpus] + command }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // Startup only: a blocking read of one line is fine in a benchmark driver.
    var line: [UInt8] = []
    let handle = output.fileHandleForReading
    while true {
      guard let byte = try handle.read(upToCount: 1), let first = byte.first else {
        throw BenchmarkFailure(description: "\(arguments[0]) exited before printing its port")
      }
      if first == UInt8(ascii: "\n") { break }
      line.append(first)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
      throw BenchmarkFailure(description: "\(arguments[0]) printed \(text), not its port")
    }
    return BenchmarkChild(process: process, port: port)
  }

  func stop() {
    process.terminate()
    process.waitUntilExit()
  }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
}
