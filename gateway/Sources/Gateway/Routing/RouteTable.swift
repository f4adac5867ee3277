import NIOHTTP1

/// The gateway's route table and its matching rules (G1, G9).
public struct RouteTable: Sendable {
  public private(set) var routes: [Route]
  /// Indices into ``routes`` by the template's segment count: a request path is compared only
  /// with templates of its own length (matching is on every request's hot path).
  private let bySegmentCount: [Int: [Int]]

  public init(_ routes: [Route]) {
    self.routes = routes
    var index: [Int: [Int]] = [:]
    for (position, route) in routes.enumerated() {
      index[route.template.segments.count, default: []].append(position)
    }
    self.bySegmentCount = index
  }

  /// What matching a request found.
  public enum Match: Sendable {
    case route(Route, parameters: [String: String])
    /// The path matches some template but not with this method (405, with `Allow`).
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
  }

  /// Matches `method` and `path` (no query string).
  public func match(method: HTTPMethod, path: String) -> Match {
    guard let parts = PathTemplate.split(path: path), let candidates = bySegmentCount[parts.count]
    else { return .notFound }
    var allowed: [HTTPMethod] = []
    // By index: `for route in routes` would copy every `Route` (a dozen references) per request.
    for position in candidates {
      guard let parameters = routes[position].template.match(parts) else { continue }
      let routeMethod = routes[position].method
      if routeMethod == method { return .route(routes[position], parameters: parameters) }
      if !allowed.contains(routeMethod) { allowed.append(routeMethod) }
    }
    return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
  }
}
