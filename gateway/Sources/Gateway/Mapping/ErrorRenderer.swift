import Foundation
import GRPCCore
import GRPCProtobuf
import NIOHTTP1
import ServiceKit

/// Renders every failure as HTTP in the route family's style, with the one RPC status → HTTP
/// table of `gateway.md` G8.
public enum ErrorRenderer {
  /// An error body in `style`. For the detail style the code is dropped.
  public static func body(style: ErrorStyle, code: String, message: String) -> [UInt8] {
    let object: [String: String] =
      switch style {
      case .code: ["code": code, "message": message]
      case .detail: ["detail": message]
      }
    return (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
      ?? []
  }

  public static func result(
    _ status: HTTPResponseStatus, style: ErrorStyle, code: String, message: String,
    headers: [(String, String)] = []
  ) -> HTTPResult {
    HTTPResult(
      status: status, body: body(style: style, code: code, message: message), headers: headers)
  }

  /// The 401 of G2/G8: one message for every cause.
  public static func unauthorized(style: ErrorStyle, credentialsMissing: Bool) -> HTTPResult {
    let message =
      switch style {
      case .code: "Missing or invalid JWT token"
      case .detail:
        credentialsMissing
          ? "Authentication credentials were not provided." : "Invalid or expired token."
      }
    return result(
      .unauthorized, style: style, code: "UNAUTHORIZED", message: message,
      headers: [("WWW-Authenticate", "Bearer")])
  }

  /// The HTTP status, code and message for an RPC failure (G8).
  public static func map(_ error: RPCError) -> (
    status: HTTPResponseStatus, code: String, message: String
  ) {
    // The reason code: google.rpc.ErrorInfo when the service sent a rich status, else
    // ServiceKit's `x-maac-error-reason` trailer (ServiceError, AdminError, tags' rule errors).
    let reason =
      (try? error.unpackGoogleRPCStatus())?.details.lazy.compactMap(\.errorInfo).first?.reason
      ?? error.metadata[stringValues: ServiceError.reasonMetadataKey].first(where: { !$0.isEmpty })
    switch error.code {
    case .invalidArgument, .failedPrecondition:
      if reason == "PAYLOAD_TOO_LARGE" {
        return (.payloadTooLarge, "PAYLOAD_TOO_LARGE", error.message)
      }
      return (
        .badRequest,
        reason ?? (error.code == .invalidArgument ? "INVALID_ARGUMENT" : "FAILED_PRECONDITION"),
        error.message
      )
    case .unauthenticated: return (.unauthorized, reason ?? "UNAUTHORIZED", error.message)
    case .permissionDenied: return (.forbidden, reason ?? "FORBIDDEN", error.message)
    case .notFound: return (.notFound, reason ?? "NOT_FOUND", error.message)
    case .alreadyExists: return (.conflict, reason ?? "ALREADY_EXISTS", error.message)
    case .resourceExhausted:
      if reason == "PAYLOAD_TOO_LARGE" {
        return (.payloadTooLarge, "PAYLOAD_TOO_LARGE", error.message)
      }
      return (.tooManyRequests, reason ?? "RESOURCE_EXHAUSTED", error.message)
    case .unavailable:
      if reason == "EXTERNAL_SERVICE_ERROR" {
        return (.badGateway, "EXTERNAL_SERVICE_ERROR", error.message)
      }
      return (.serviceUnavailable, "SERVICE_UNAVAILABLE", "Service unavailable")
    case .deadlineExceeded: return (.gatewayTimeout, "GATEWAY_TIMEOUT", "Upstream timed out")
    default:
      // 500 bodies carry no internals (G8).
      return (.internalServerError, "INTERNAL_ERROR", "Internal error")
    }
  }

  /// An RPC failure rendered in `style`.
  public static func result(for error: RPCError, style: ErrorStyle) -> HTTPResult {
    let (status, code, message) = map(error)
    return result(status, style: style, code: code, message: message)
  }
}
