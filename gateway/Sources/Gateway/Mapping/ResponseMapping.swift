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

  /// Renders the response's proto3 JSON (snake_case names, int64 as numbers) with its enum
  /// values at `enums` written in lower case and the members at `renames` under their
  /// documented keys; members at `empties` are written as `{}` when unset. The envelope is assembled from byte ranges of
  /// the swift-protobuf output: nothing is parsed into a tree and encoded again.
  func render(
    _ json: [UInt8], enums: EnumPaths, renames: [String: String] = [:],
    empties: Set<String> = [], status: HTTPResponseStatus
  ) -> HTTPResult {
    switch self {
    case .empty:
      return HTTPResult(status: .noContent, body: nil)
    case .message:
      return HTTPResult(
        status: status,
        body: ProtoJSONScanner.rewritingEnums(json, enums, renames: renames, empties: empties))
    case .list(let items, let count):
      let rewritten = ProtoJSONScanner.rewritingEnums(
        json, enums, renames: renames, empties: empties)
      let members = ProtoJSONScanner.topLevelMembers(rewritten)
      var body: [UInt8] = []
      body.reserveCapacity(rewritten.count + 48)
      body.append(contentsOf: #"{"results":"#.utf8)
      Self.append(members[items], of: rewritten, default: "[]", to: &body)
      body.append(contentsOf: #","next_cursor":"#.utf8)
      // An empty page token is omitted by proto3 JSON: the last page says `null`.
      Self.append(members["next_page_token"], of: rewritten, default: "null", to: &body)
      if let count {
        body.append(contentsOf: #","count":"#.utf8)
        // int64 counts are printed as numbers (`alwaysPrintInt64sAsNumbers`); zero is omitted.
        Self.append(members[count], of: rewritten, default: "0", to: &body)
      }
      body.append(UInt8(ascii: "}"))
      return HTTPResult(status: status, body: body)
    case .array(let items):
      let rewritten = ProtoJSONScanner.rewritingEnums(
        json, enums, renames: renames, empties: empties)
      var body: [UInt8] = []
      Self.append(
        ProtoJSONScanner.topLevelMembers(rewritten)[items], of: rewritten, default: "[]", to: &body)
      return HTTPResult(status: status, body: body)
    }
  }

  private static func append(
    _ range: Range<Int>?, of json: [UInt8], default fallback: String, to body: inout [UInt8]
  ) {
    if let range {
      body.append(contentsOf: json[range])
    } else {
      body.append(contentsOf: fallback.utf8)
    }
  }
}
