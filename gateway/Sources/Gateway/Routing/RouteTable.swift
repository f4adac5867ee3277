import NIOHTTP1

/// The gateway's route table and its matching rules (G1, G9).
public struct RouteTable: Sendable {
  public private(set) var routes: [Route]
  /// Indices into ``routes`` by the template's segment count (the array's index): a request
  /// path is compared only with templates of its own length (matching is on every request's
  /// hot path; an array lookup, not a hashed one).
  private let bySegmentCount: [[Int]]

  public init(_ routes: [Route]) {
    self.routes = routes
    let longest = routes.map(\.template.segments.count).max() ?? 0
    var index = [[Int]](repeating: [], count: longest + 1)
    for (position, route) in routes.enumerated() {
      index[route.template.segments.count].append(position)
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
    guard let parts = PathTemplate.split(path: path), parts.count < bySegmentCount.count else {
      return .notFound
    }
    // By index: `for route in routes` would copy every `Route` (a dozen references) per request.
    var otherMethods: [Int] = []
    for position in bySegmentCount[parts.count] {
      // Literals first; the parameters are decoded for a route of the request's method only.
      guard routes[position].template.literalsMatch(parts) else { continue }
      guard routes[position].method == method else {
        otherMethods.append(position)
        continue
      }
      guard let parameters = routes[position].template.parameters(parts) else { continue }
      return .route(routes[position], parameters: parameters)
    }
    // 405 only for a path some template takes: one whose parameters decode.
    var allowed: [HTTPMethod] = []
    for position in otherMethods where routes[position].template.parameters(parts) != nil {
      if !allowed.contains(routes[position].method) { allowed.append(routes[position].method) }
    }
    return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
  }
}
