#if canImport(Glibc)
  import Glibc
#endif

/// A TCP socket bound to a loopback port and never listened on; closed by ``close()``.
struct LoopbackSocket {
  let descriptor: Int32
  /// The bound port.
  let port: Int

  /// Binds `port` on 127.0.0.1 (0: the kernel picks one); nil when the port is taken.
  static func bind(port: Int) throws -> LoopbackSocket? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SocketCallError(call: "socket", errno: errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
    }
    guard bound == 0 else {
      Glibc.close(descriptor)
      return nil
    }
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(descriptor, $0, &length)
      }
    }
    guard named == 0 else {
      let failure = SocketCallError(call: "getsockname", errno: errno)
      Glibc.close(descriptor)
      throw failure
    }
    return LoopbackSocket(descriptor: descriptor, port: Int(UInt16(bigEndian: address.sin_port)))
  }

  func close() { Glibc.close(descriptor) }
}

/// A socket call that failed, with its `errno`.
struct SocketCallError: Error, CustomStringConvertible {
  let call: String
  let errno: Int32
  var description: String { "\(call) failed with errno \(errno)" }
}
