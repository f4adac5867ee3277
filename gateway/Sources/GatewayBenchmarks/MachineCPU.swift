import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The whole machine's CPU time from `/proc/stat`, to tell how much of a run the hypervisor
/// took away: on a shared virtual machine, p99 moves with steal more than with the code.
enum MachineCPU {
  /// Seconds of CPU time stolen from all of this machine's CPUs so far (`steal`, the eighth
  /// value of the `cpu` line), or `nil` when `/proc/stat` cannot be read.
  static func stolenSeconds() -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
    else { return nil }
    let fields = line.split(separator: " ").dropFirst()
    guard fields.count >= 8, let steal = Double(fields[fields.startIndex + 7]) else { return nil }
    return steal / Double(sysconf(Int32(_SC_CLK_TCK)))
  }
}
