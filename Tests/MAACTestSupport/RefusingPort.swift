#if canImport(Glibc)
  import Glibc
#endif

/// A loopback TCP port that refuses every connection for as long as the body runs: the address
/// of a peer that is down.
///
/// The port is bound and never listened on, so the kernel answers each connection attempt with
/// a reset, and no other socket can take the port meanwhile. The port of a server that was
/// started and stopped is not enough: the kernel hands the freed port to the next server that
/// binds port 0, and tests run in parallel (seen in CI: a "no server" call answered by another
/// test's server).
public enum RefusingPort {
  public static func with<T>(_ body: (_ port: Int) async throws -> T) async throws -> T {
    guard let socket = try LoopbackSocket.bind(port: 0) else {
      throw SocketCallError(call: "bind", errno: errno)
    }
    defer { socket.close() }
    return try await body(socket.port)
  }
}
