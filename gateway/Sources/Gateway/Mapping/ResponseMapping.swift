import Foundation
import NIOHTTP1

/// How a route renders its RPC response as HTTP (G13, G17).
public enum ResponseMapping: Sendable {
  /// The response message as JSON.
  case message
  /// `{"results": <items>, "next_cursor": <next_page_token or null>}`, plus `"count"` when
  /// the response has a total.
  case list(items: String, count: String? = nil)
  /// A bare JSON array of one repeated field (documented array shapes).
  case array(items: String)
  /// No body (204).
  case empty

  /// Renders the response's proto3 JSON (snake_case names, defaults printed).
  func render(_ json: Data, status: HTTPResponseStatus) throws -> HTTPResult {
    switch self {
    case .empty:
      return HTTPResult(status: .noContent, body: nil)
    case .message:
      return HTTPResult(status: status, body: [UInt8](json))
    case .list(let items, let count):
      let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
      var rendered: [String: Any] = ["results": object[items] ?? []]
      let next = object["next_page_token"] as? String ?? ""
      rendered["next_cursor"] = next.isEmpty ? NSNull() : next
      if let count { rendered["count"] = Self.integer(object[count]) }
      return HTTPResult(
        status: status, body: [UInt8](try JSONSerialization.data(withJSONObject: rendered)))
    case .array(let items):
      let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
      let array = object[items] ?? []
      return HTTPResult(
        status: status, body: [UInt8](try JSONSerialization.data(withJSONObject: array)))
    }
  }

  /// proto3 JSON writes int64 as a string; counts are numbers in the documented shapes.
  private static func integer(_ value: Any?) -> Any {
    if let string = value as? String, let number = Int64(string) { return number }
    return value ?? 0
  }
}
