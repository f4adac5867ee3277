import Foundation

/// This process's resident set size, from `/proc/self/status` (Linux).
enum ResidentMemory {
  static func current() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
      // "VmRSS:     12345 kB"
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
    }
    throw BenchmarkError("no VmRSS line in /proc/self/status")
  }
}
