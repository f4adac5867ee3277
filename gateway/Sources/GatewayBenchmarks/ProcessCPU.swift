import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// CPU time (user + system) consumed so far by a process, for CPU-per-request figures that
/// stay meaningful when the machine is shared: wall-clock rates move with other load, the CPU
/// a request costs does not (much).
enum ProcessCPU {
  /// This process, all threads (`getrusage`).
  static func ownSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
      + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  }

  /// Another process (`/proc/PID/stat` fields 14 and 15, utime and stime in clock ticks).
  static func seconds(of pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return .nan }
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
      return .nan
    }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }
}
