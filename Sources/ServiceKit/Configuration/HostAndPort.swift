/// A listen or peer address, `host:port` (IPv6 hosts in brackets: `[::1]:8080`).
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `host:port` or `[v6]:port`; `nil` when either part is missing or the port is
  /// not in 0...65535.
  public init?(parsing text: String) {
    let hostPart: Substring
    let portPart: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { return nil }
      hostPart = text[text.index(after: text.startIndex)..<close]
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":") else { return nil }
      portPart = rest.dropFirst()
    } else {
      guard let colon = text.lastIndex(of: ":") else { return nil }
      hostPart = text[..<colon]
      portPart = text[text.index(after: colon)...]
      if hostPart.contains(":") { return nil }
    }
    guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else {
      return nil
    }
    self.init(host: String(hostPart), port: port)
  }

  /// Whether the host is an IPv6 literal.
  public var isIPv6: Bool { host.contains(":") }

  public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
