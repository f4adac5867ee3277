import Foundation

/// Paging of lists (C65, common/v1/paging.proto): keyset over `created_at desc, id desc`, pinned
/// to `as_of`, bound to the query that produced it.
public struct PageToken: Hashable, Sendable {
  /// The snapshot the pages are pinned to, in microseconds since 1970 (PostgreSQL precision).
  public var asOfMicros: Int64
  /// The last row of the previous page.
  public var lastCreatedAtMicros: Int64
  public var lastID: Int64
  /// Fingerprint of the query; a token is refused for another query.
  public var fingerprint: UInt64

  public init(asOfMicros: Int64, lastCreatedAtMicros: Int64, lastID: Int64, fingerprint: UInt64) {
    self.asOfMicros = asOfMicros
    self.lastCreatedAtMicros = lastCreatedAtMicros
    self.lastID = lastID
    self.fingerprint = fingerprint
  }

  /// How long a token stays valid (24 h).
  public static let lifetime: TimeInterval = 24 * 3600

  /// The opaque text form.
  public var encoded: String {
    let text = "v1.\(asOfMicros).\(lastCreatedAtMicros).\(lastID).\(fingerprint)"
    return Data(text.utf8).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// Decodes `text` for a query with `fingerprint`; `INVALID_CURSOR` naming `page_token` when it
  /// is not a token, belongs to another query or is older than 24 h.
  public static func decode(
    _ text: String, fingerprint: UInt64, now: Date, field: String = "page_token"
  )
    throws(DomainError) -> PageToken
  {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(
      of: "_", with: "/")
    while base64.count % 4 != 0 { base64.append("=") }
    let invalid = DomainError.invalid(
      .invalidCursor, field: field, "\(field) is not a token of this query")
    guard let data = Data(base64Encoded: base64), let string = String(data: data, encoding: .utf8)
    else {
      throw invalid
    }
    let parts = string.split(separator: ".")
    guard parts.count == 5, parts[0] == "v1", let asOf = Int64(parts[1]),
      let created = Int64(parts[2]),
      let id = Int64(parts[3]), let print = UInt64(parts[4])
    else { throw invalid }
    guard print == fingerprint else { throw invalid }
    let age = now.timeIntervalSince1970 - Double(asOf) / 1_000_000
    guard age <= lifetime else {
      throw .invalid(.invalidCursor, field: field, "\(field) has expired (older than 24 hours)")
    }
    return PageToken(asOfMicros: asOf, lastCreatedAtMicros: created, lastID: id, fingerprint: print)
  }
}

/// `page_size` rules (common/v1/paging.proto): 0 → 100, 1..1,000, else `INVALID_LIMIT`.
public enum PageSize {
  public static let defaultSize = 100
  public static let maximum = 1000

  public static func resolve(_ requested: Int32, field: String = "page_size") throws(DomainError)
    -> Int
  {
    if requested == 0 { return defaultSize }
    guard (1...Int32(maximum)).contains(requested) else {
      throw .invalid(
        .invalidLimit, field: field, "\(field) must be between 1 and \(maximum); got \(requested)")
    }
    return Int(requested)
  }
}

/// A stable 64-bit FNV-1a hash, for query fingerprints (not for security).
public enum Fingerprint {
  public static func of(_ parts: [String]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in parts.joined(separator: "\u{1F}").utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}
