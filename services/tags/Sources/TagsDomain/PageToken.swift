import Foundation

/// An opaque page token bound to the query that produced it (CONVENTIONS.md "RPC").
///
/// The token carries a keyset position (the last item's sort values), so pages neither repeat
/// nor skip items when new ones arrive, and a fingerprint of the query, so a token replayed
/// against a different query is refused instead of returning a confusing page.
public struct PageToken<Position: Codable & Sendable & Equatable>: Sendable, Equatable {
  /// Fingerprint of the query.
  public let query: String
  /// Where the next page starts (exclusive).
  public let position: Position

  /// Creates a token.
  public init(query: String, position: Position) {
    self.query = query
    self.position = position
  }

  private struct Wire: Codable {
    let q: String
    let p: Position
  }

  /// The opaque text form.
  public var encoded: String {
    let data = (try? JSONEncoder().encode(Wire(q: query, p: position))) ?? Data()
    return data.base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// Decodes `text` for `query`; an empty text means the first page (nil).
  public static func decode(_ text: String, query: String, field: String = "page_token")
    throws(TagRuleViolation) -> PageToken?
  {
    if text.isEmpty { return nil }
    func invalid(_ why: String) -> TagRuleViolation {
      TagRuleViolation(
        .invalidArgument, reason: "INVALID_PAGINATION", field: field, message: "\(field): \(why)")
    }
    var base64 = text.replacingOccurrences(of: "-", with: "+")
      .replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    guard let data = Data(base64Encoded: base64),
      let wire = try? JSONDecoder().decode(Wire.self, from: data)
    else { throw invalid("is not a token issued by this service") }
    guard wire.q == query else { throw invalid("was issued for a different query") }
    return PageToken(query: wire.q, position: wire.p)
  }
}
