import Foundation
import GRPCCore
import Logging
import NIOHTTP1
import ServiceKit

/// Serves one HTTP request in the order of `gateway.md` §3: G1 route → G2/G3 authenticate →
/// G7 path parameters → forward (G5/G6) → render (G8). Never throws: every failure becomes a
/// response in the route family's style, and every response carries `x-request-id` (G10).
public final class GatewayHandler: Sendable {
  let routes: RouteTable
  let verifier: TokenVerifier
  let upstreams: Upstreams
  let openAPIDocument: [UInt8]?
  let logger: Logger
  let timeoutOverride: Duration?

  /// - Parameter timeoutOverride: replaces every route's deadline (tests of G12).
  public init(
    routes: RouteTable, verifier: TokenVerifier, upstreams: Upstreams, openAPIDocument: [UInt8]?,
    logger: Logger,
    timeoutOverride: Duration? = nil
  ) {
    self.timeoutOverride = timeoutOverride
    self.routes = routes
    self.verifier = verifier
    self.upstreams = upstreams
    self.openAPIDocument = openAPIDocument
    self.logger = logger
  }

  public func handle(_ request: HTTPRequest, bodyTooLarge: Bool = false) async -> HTTPResponse {
    let requestID = RequestID.generate()
    let started = ContinuousClock.now
    var result: HTTPResult
    var template = "-"
    var identity: VerifiedIdentity?
    if request.method == .GET, request.path == "/openapi.yaml", let openAPIDocument {
      return HTTPResponse(
        status: .ok,
        headers: [
          ("content-type", "application/yaml; charset=utf-8"), ("x-request-id", requestID),
        ],
        body: openAPIDocument)
    }
    switch routes.match(method: request.method, path: request.path) {
    case .notFound:
      result = ErrorRenderer.result(
        .notFound, style: .code, code: "NOT_FOUND", message: "Route not found")
    case .methodNotAllowed(let allowed):
      result = ErrorRenderer.result(
        .methodNotAllowed, style: .code, code: "METHOD_NOT_ALLOWED", message: "Method not allowed",
        headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))])
    case .route(let route, let parameters):
      template = route.path
      switch await authenticate(request, for: route) {
      case .failure(let failure):
        result = failure
      case .success(let verified):
        identity = verified
        result = await forward(
          request, route: route, parameters: parameters, identity: verified,
          requestID: requestID, bodyTooLarge: bodyTooLarge)
      }
    }
    var headers = result.headers
    headers.append(("x-request-id", requestID))
    if result.body != nil { headers.append(("content-type", "application/json; charset=utf-8")) }
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
    return HTTPResponse(status: result.status, headers: headers, body: result.body ?? [])
  }

  private func authenticate(_ request: HTTPRequest, for route: Route) async -> Authentication {
    let style = route.family.errorStyle
    let values = request.headers["authorization"]
    guard values.count == 1, let header = values.first else {
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: values.isEmpty))
    }
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
      return .failure(ErrorRenderer.unauthorized(style: style, credentialsMissing: true))
    }
    let token = parts[1].trimmingCharacters(in: .whitespaces)
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

  private func forward(
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
    if route.acceptsBody, !request.body.isEmpty,
      let contentType = request.headers.first(name: "content-type"),
      !contentType.lowercased().hasPrefix("application/json")
    {
      return ErrorRenderer.result(
        .unsupportedMediaType, style: style, code: "UNSUPPORTED_MEDIA_TYPE",
        message: "body must be application/json")
    }
    guard let client = upstreams.client(route.upstream) else {
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
    let call = RouteCall(
      body: route.acceptsBody ? request.body : [], pathParameters: parameters, query: request.query,
      client: client, metadata: metadata, timeout: timeoutOverride ?? route.timeout)
    do {
      return try await route.invoke(call)
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
