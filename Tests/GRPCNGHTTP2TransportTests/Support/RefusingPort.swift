#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A loopback TCP port that refuses every connection for as long as the body runs.
///
/// The port is bound and never listened on, so the kernel answers each SYN with a reset and
/// no other socket in the test process can take the port. A port borrowed from a stopped
/// server is not enough: parallel tests' servers are handed the same freed ephemeral port.
enum RefusingPort {
  static func with<T>(_ body: (_ port: Int) async throws -> T) async throws -> T {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw RefusingPortError(call: "socket", errno: errno) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw RefusingPortError(call: "bind", errno: errno) }
    var assigned = sockaddr_in()
    var assignedLength = length
    let named = withUnsafeMutablePointer(to: &assigned) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(descriptor, $0, &assignedLength)
      }
    }
    guard named == 0 else { throw RefusingPortError(call: "getsockname", errno: errno) }
    return try await body(Int(UInt16(bigEndian: assigned.sin_port)))
  }
}

struct RefusingPortError: Error, CustomStringConvertible {
  let call: String
  let errno: Int32
  var description: String { "\(call) failed with errno \(errno)" }
}
