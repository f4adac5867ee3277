import Foundation
import NIOHTTP1

/// One HTTP request as the gateway sees it, whichever HTTP version carried it.
public struct HTTPRequest: Sendable {
  public var method: HTTPMethod
  /// The request target: path plus optional `?query`.
  public var uri: String
  public var headers: HTTPHeaders
  public var body: [UInt8]
  /// The client's IP address (the per-client rate limits' key), when known.
  public var remoteAddress: String?
  /// The body, for a route that streams it (``GatewayHandler/streamsBody(method:uri:)``);
  /// ``body`` is then empty.
  public var bodyStream: RequestBodyStream?

  public init(
    method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8],
    remoteAddress: String? = nil
  ) {
    self.method = method
    self.uri = uri
    self.headers = headers
    self.body = body
    self.remoteAddress = remoteAddress
  }

  /// The path without the query string.
  public var path: String {
    // By byte: `firstIndex(of: Character)` walks grapheme clusters (`?` is ASCII, a boundary).
    uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
  }

  /// The decoded query parameters, in order (repeated names kept).
  public var query: [(String, String)] {
    guard let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return [] }
    return uri[uri.index(after: mark)...].split(separator: "&").compactMap { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = Self.decode(parts[0]), !name.isEmpty else { return nil }
      return (name, parts.count > 1 ? Self.decode(parts[1]) ?? "" : "")
    }
  }

  private static func decode(_ part: Substring) -> String? {
    // Foundation's decoding bridges through NSString: skip it for plain values.
    if !part.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
      return String(part)
    }
    return part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
  }
}
