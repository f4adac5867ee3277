import Foundation

/// A loopback TCP port nobody listens on right now, for an executable that is told its port.
///
/// It is drawn below Linux's ephemeral range (32768-60999): servers inside the test process bind
/// port 0 and outgoing connections take ephemeral ports, so either could otherwise take the port
/// between this check and the child's bind (seen: a child crashed with EADDRINUSE at load 20).
public enum FreePort {
  /// Where ports are drawn from.
  public static let range = 20_000..<32_000

  /// A port in ``range`` that could be bound a moment ago.
  public static func pick() throws -> Int {
    for _ in 0..<100 {
      let port = Int.random(in: range)
      if isFree(port) { return port }
    }
    throw POSIXError(.EADDRINUSE)
  }

  private static func isFree(_ port: Int) -> Bool {
    guard let socket = try? LoopbackSocket.bind(port: port) else { return false }
    socket.close()
    return true
  }
}
