import NIOHTTP1

/// The gateway's route table and its matching rules (G1, G9).
public struct RouteTable: Sendable {
  public private(set) var routes: [Route]

  public init(_ routes: [Route]) { self.routes = routes }

  /// What matching a request found.
  public enum Match: Sendable {
    case route(Route, parameters: [String: String])
    /// The path matches some template but not with this method (405, with `Allow`).
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
  }

  /// Matches `method` and `path` (no query string).
  public func match(method: HTTPMethod, path: String) -> Match {
    guard let parts = PathTemplate.split(path: path) else { return .notFound }
    var allowed: [HTTPMethod] = []
    for route in routes {
      guard let parameters = route.template.match(parts) else { continue }
      if route.method == method { return .route(route, parameters: parameters) }
      if !allowed.contains(route.method) { allowed.append(route.method) }
    }
    return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
  }
}
