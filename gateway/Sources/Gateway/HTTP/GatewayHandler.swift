import Foundation
import GRPCCore
import Logging
import NIOHTTP1
import ServiceKit

/// Serves one HTTP request in the order of `gateway.md` §3: G16 preflight → G1 route → G2/G3
/// authenticate → G11 rate-limit → G7 path parameters → forward (G5/G6, G12 one retry of a
/// GET on 503) → render (G8). Never throws: every failure becomes a response in the route
/// family's style, and every response carries `x-request-id` (G10) and, for an allowed
/// origin, the CORS headers (G16).
///
/// The async functions of the request path (here, the token verifier, the organization
/// check and gate, the routes and the transport's lean unary call) are
/// `nonisolated(nonsending)`: they run on the caller's executor, the connection's event loop,
/// instead of hopping to the generic executor at each call, which with a task executor
/// preference meant a `swift_task_switch` and a lookup of the task's preference under its
/// status lock per call (about 4 % of the gateway's CPU per request).
public final class GatewayHandler: Sendable {
  let routes: RouteTable
  let verifier: TokenVerifier
  let upstreams: Upstreams
  let openAPIDocument: [UInt8]?
  let logger: Logger
  let timeoutOverride: Duration?
  let limiter: RateLimiter
  let cors: CORSPolicy

  /// - Parameter timeoutOverride: replaces every route's deadline (tests of G12).
  public init(
    routes: RouteTable, verifier: TokenVerifier, upstreams: Upstreams, openAPIDocument: [UInt8]?,
    logger: Logger,
    timeoutOverride: Duration? = nil, limits: RateLimits = .defaults,
    cors: CORSPolicy = CORSPolicy()
  ) {
    self.limiter = RateLimiter(limits)
    self.cors = cors
    self.timeoutOverride = timeoutOverride
    self.routes = routes
    self.verifier = verifier
    self.upstreams = upstreams
    self.openAPIDocument = openAPIDocument
    self.logger = logger
  }

  nonisolated(nonsending) public func handle(
    _ request: HTTPRequest, bodyTooLarge: Bool = false
  ) async -> HTTPResponse {
    let requestID = RequestID.generate()
    let started = ContinuousClock.now
    var result: HTTPResult
    var template = "-"
    var identity: VerifiedIdentity?
    let origin = request.headers.first(name: "origin")
    if request.method == .OPTIONS, let origin,
      let requested = request.headers.first(name: "access-control-request-method")
    {
      return preflight(request, origin: origin, requestedMethod: requested, requestID: requestID)
    }
    // `path` builds a String from the URI: once per request.
    let path = request.path
    if request.method == .GET, path == "/openapi.yaml", let openAPIDocument {
      return HTTPResponse(
        status: .ok,
        headers: [
          ("content-type", "application/yaml; charset=utf-8"), ("x-request-id", requestID),
        ],
        body: openAPIDocument)
    }
    switch routes.match(method: request.method, path: path) {
    case .notFound:
      result = ErrorRenderer.result(
        .notFound, style: .code, code: "NOT_FOUND", message: "Route not found")
    case .methodNotAllowed(let allowed):
      result = ErrorRenderer.result(
        .methodNotAllowed, style: .code, code: "METHOD_NOT_ALLOWED", message: "Method not allowed",
        headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))])
    case .route(let route, let parameters):
      template = route.path
      if let wait = limiter.checkClient(request.remoteAddress, route: route) {
        result = Self.rateLimited(style: route.family.errorStyle, retryAfter: wait)
        break
      }
      switch await authenticate(request, for: route) {
      case .failure(let failure):
        limiter.recordFailedAuthentication(request.remoteAddress)
        result = failure
      case .success(let verified):
        identity = verified
        if let wait = limiter.checkOrganization(verified.organizationID, route: route) {
          result = Self.rateLimited(style: route.family.errorStyle, retryAfter: wait)
        } else {
          result = await forward(
            request, route: route, parameters: parameters, identity: verified,
            requestID: requestID, bodyTooLarge: bodyTooLarge)
        }
      }
    }
    var headers = result.headers
    headers.append(("x-request-id", requestID))
    headers.append(contentsOf: cors.responseHeaders(origin: origin))
    if result.body != nil,
      !headers.contains(where: { $0.0.utf8.count == 12 && $0.0.lowercased() == "content-type" })
    {
      headers.append(("content-type", "application/json; charset=utf-8"))
    }
    // G19: never the Authorization header or the token.
    logger.info(
      "request",
      metadata: [
        "request_id": "\(requestID)", "route": "\(template)",
        "method": "\(request.method.rawValue)",
        "org_id": "\(identity.map { String($0.organizationID) } ?? "-")",
        "user_id": "\(identity?.userID ?? "-")", "status": "\(result.status.code)",
        "latency_ms": "\((ContinuousClock.now - started).milliseconds)",
      ])
    return HTTPResponse(
      status: result.status, headers: headers, body: result.body ?? [],
      bodyStream: result.bodyStream)
  }

  nonisolated(nonsending) private func authenticate(
    _ request: HTTPRequest, for route: Route
  ) async -> Authentication {
    let style = route.family.errorStyle
    let values = request.headers["authorization"]
    guard values.count == 1, let header = values.first else {
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: values.isEmpty))
    }
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: true))
    }
    // Foundation's trimmingCharacters bridges through NSString: a hot-path cost for nothing.
    let token = parts[1].trimmingSpaces()
    guard !token.isEmpty else {
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: true))
    }
    do {
      let identity = try await verifier.verify(token)
      let allowed =
        identity.tokenUse == "access" || route.extraTokenUses.contains(identity.tokenUse)
        || (identity.tokenUse == "platform" && route.family.acceptsPlatformTokens
          && route.extraTokenUses.contains("platform"))
      guard allowed else {
        return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: false))
      }
      return .success(identity)
    } catch {
      logger.debug("token refused", metadata: ["reason": "\(error)"])
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: false))
    }
  }

  nonisolated(nonsending) private func forward(
    _ request: HTTPRequest, route: Route, parameters: [String: String], identity: VerifiedIdentity,
    requestID: String, bodyTooLarge: Bool
  ) async -> HTTPResult {
    let style = route.family.errorStyle
    for name in route.int64Parameters {
      guard let value = parameters[name], Self.isPositiveInt64(value) else {
        return style == .code
          ? ErrorRenderer.result(
            .badRequest, style: style, code: "BAD_REQUEST", message: "Invalid request")
          : ErrorRenderer.result(
            .badRequest, style: style, code: "BAD_REQUEST", message: "Invalid \(name).")
      }
    }
    if bodyTooLarge {
      return ErrorRenderer.result(
        .payloadTooLarge, style: style, code: "PAYLOAD_TOO_LARGE",
        message: "Request body exceeds 1 MiB")
    }
    let streamed = Self.isStreamedUpload(route)
    if route.acceptsBody, !streamed, !request.body.isEmpty,
      let contentType = request.headers.first(name: "content-type"),
      !contentType.lowercased().hasPrefix("application/json")
    {
      return ErrorRenderer.result(
        .unsupportedMediaType, style: style, code: "UNSUPPORTED_MEDIA_TYPE",
        message: "body must be application/json")
    }
    guard let upstream = upstreams.upstream(route.upstream) else {
      return ErrorRenderer.result(
        .serviceUnavailable, style: style, code: "SERVICE_UNAVAILABLE",
        message: "Service unavailable")
    }
    // GQ6 (gateway-routes): admin center must know the token's organization as active.
    if let refusal = await upstreams.organizationRefusal(identity.organizationID, style: style) {
      return refusal
    }
    // G5: the identity comes from the verified token only; client `x-maac-*` headers are never
    // copied (the RPC metadata is built from scratch).
    var metadata = CallerContext(
      organizationID: identity.organizationID, userID: identity.userID, roles: identity.roles,
      requestID: requestID
    ).metadata
    metadata.addString(identity.tokenUse, forKey: "x-maac-token-use")
    var call = RouteCall(
      body: route.acceptsBody ? request.body : [], pathParameters: parameters, query: request.query,
      client: upstream.client, transport: upstream.transport, metadata: metadata,
      timeout: timeoutOverride ?? route.timeout)
    call.contentType = request.headers.first(name: "content-type")
    if streamed {
      // Over HTTP/2 the body was buffered; the route reads a stream either way.
      call.bodyStream = request.bodyStream ?? .complete(request.body)
    }
    do {
      return try await invoke(route, call)
    } catch let error as PayloadTooLarge {
      return ErrorRenderer.result(
        .payloadTooLarge, style: style, code: "PAYLOAD_TOO_LARGE", message: error.message)
    } catch let error as HTTPInputError {
      return ErrorRenderer.result(
        .badRequest, style: style, code: "BAD_REQUEST", message: "\(error.field): \(error.reason)")
    } catch let error as RPCError {
      return ErrorRenderer.result(for: error, style: style)
    } catch {
      logger.error("route failed", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
      return ErrorRenderer.result(
        .internalServerError, style: style, code: "INTERNAL_ERROR", message: "Internal error")
    }
  }

  /// Whether the route of this request streams its body (G13 CSV uploads): the HTTP/1.1
  /// connection then hands the body over as it arrives instead of buffering 1 MiB.
  public func streamsBody(method: HTTPMethod, uri: String) -> Bool {
    // Called for every request head: compare strings instead of matching the route table.
    guard method == .POST else { return false }
    var path = Substring(uri.firstIndex(of: "?").map { uri[..<$0] } ?? Substring(uri))
    if path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
    return GatewayRoutes.streamedUploads.contains("POST \(path)")
  }

  static func isStreamedUpload(_ route: Route) -> Bool {
    GatewayRoutes.streamedUploads.contains("\(route.method.rawValue) \(route.path)")
  }

  /// G12: an idempotent GET is retried once when the service answered 503 (unavailable, not
  /// a provider failure); nothing else is retried.
  nonisolated(nonsending) private func invoke(
    _ route: Route, _ call: RouteCall
  ) async throws -> HTTPResult {
    do {
      return try await route.invoke(call)
    } catch let error as RPCError
      where route.method == .GET && ErrorRenderer.map(error).status == .serviceUnavailable
    {
      return try await route.invoke(call)
    }
  }

  /// G11: 429 in the family style with `Retry-After`.
  static func rateLimited(style: ErrorStyle, retryAfter: Int) -> HTTPResult {
    ErrorRenderer.result(
      .tooManyRequests, style: style, code: "RATE_LIMITED", message: "Too many requests",
      headers: [("Retry-After", String(max(1, retryAfter)))])
  }

  /// G16: a CORS preflight, answered here (no token: browsers send none on preflights).
  private func preflight(
    _ request: HTTPRequest, origin: String, requestedMethod: String, requestID: String
  ) -> HTTPResponse {
    var status = HTTPResponseStatus.noContent
    var headers: [(String, String)] = [("x-request-id", requestID)]
    var body: [UInt8] = []
    // No route is served with OPTIONS, so matching with it lists the path's methods.
    switch routes.match(method: .OPTIONS, path: request.path) {
    case .notFound, .route:
      status = .notFound
      body = ErrorRenderer.body(style: .code, code: "NOT_FOUND", message: "Route not found")
    case .methodNotAllowed(let allowed):
      if cors.allows(origin) {
        headers.append(contentsOf: cors.preflightHeaders(origin: origin, methods: allowed))
      } else {
        status = .forbidden
        body = ErrorRenderer.body(style: .code, code: "FORBIDDEN", message: "Origin not allowed")
      }
    }
    if !body.isEmpty { headers.append(("content-type", "application/json; charset=utf-8")) }
    logger.info(
      "preflight",
      metadata: [
        "request_id": "\(requestID)", "origin": "\(origin)", "method": "\(requestedMethod)",
        "status": "\(status.code)",
      ])
    return HTTPResponse(status: status, headers: headers, body: body)
  }

  /// G7: `^[1-9][0-9]{0,18}$` and ≤ Int64.max.
  static func isPositiveInt64(_ value: String) -> Bool {
    guard let first = value.utf8.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
      value.utf8.count <= 19,
      value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return false }
    return Int64(value) != nil
  }
}

/// The outcome of authenticating one request.
enum Authentication {
  case success(VerifiedIdentity)
  case failure(HTTPResult)
}

extension Duration {
  var milliseconds: Int64 {
    components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
  }
}
