import Foundation

/// A route's path template, e.g. `/api/member/v1/contacts/{contact_id}`.
///
/// Matching ignores one trailing slash on either side (G9) and refuses empty segments (`//`).
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
  enum Segment: Sendable, Hashable {
    case literal(String)
    case parameter(String)
  }

  let segments: [Segment]
  public let description: String

  public init(_ template: String) {
    self.description = template
    self.segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part in
      if part.hasPrefix("{"), part.hasSuffix("}") {
        return .parameter(String(part.dropFirst().dropLast()))
      }
      return .literal(String(part))
    }
  }

  /// The names of the template's parameters, in order.
  public var parameterNames: [String] {
    segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
  }

  /// Splits a request path into segments: `nil` when it has an empty segment (G9: `//` → 404).
  ///
  /// On every request's hot path: one pass over the UTF-8 bytes (`/` is ASCII, so every cut is
  /// on a character boundary); the `Character`-based `split` and `hasSuffix` were most of the
  /// route matching's cost.
  static func split(path: String) -> [Substring]? {
    let slash = UInt8(ascii: "/")
    let bytes = path.utf8
    guard bytes.first == slash else { return nil }
    var end = bytes.endIndex
    // One trailing slash is ignored (G9), but `/` itself is one empty segment.
    if bytes.count > 1, bytes.last == slash { end = bytes.index(before: end) }
    var parts: [Substring] = []
    parts.reserveCapacity(8)
    var start = bytes.index(after: bytes.startIndex)
    var index = start
    while index < end {
      if bytes[index] == slash {
        guard index > start else { return nil }
        parts.append(path[start..<index])
        start = bytes.index(after: index)
      }
      index = bytes.index(after: index)
    }
    guard start < end else { return nil }
    parts.append(path[start..<end])
    return parts
  }

  /// Whether `parts` has the template's length and its literal segments.
  func literalsMatch(_ parts: [Substring]) -> Bool {
    guard parts.count == segments.count else { return false }
    // Last segment first: templates share their leading segments (`api`, the family, `v1`)
    // and differ near the end, so a wrong template is mostly refused by its first comparison.
    for index in segments.indices.reversed() {
      // Bytes, not `Substring != String` (the generic StringProtocol comparison with Unicode
      // equivalence was most of the matching's cost); templates are ASCII.
      if case .literal(let literal) = segments[index], !Self.sameBytes(parts[index], literal) {
        return false
      }
    }
    return true
  }

  /// The percent-decoded parameter values of `parts` (whose literals match), or `nil` when
  /// one does not decode or is empty.
  func parameters(_ parts: [Substring]) -> [String: String]? {
    var values: [String: String] = [:]
    for index in segments.indices {
      guard case .parameter(let name) = segments[index] else { continue }
      let part = parts[index]
      // Foundation's percent decoding bridges through NSString: only when there is a `%`.
      let decoded =
        part.utf8.contains(UInt8(ascii: "%")) ? part.removingPercentEncoding : String(part)
      guard let decoded, !decoded.isEmpty else { return nil }
      values[name] = decoded
    }
    return values
  }

  /// Whether `part` and `literal` have the same UTF-8 bytes: a length check, then one
  /// comparison of contiguous bytes (both are native strings) instead of the generic
  /// element-by-element `elementsEqual`.
  private static func sameBytes(_ part: Substring, _ literal: String) -> Bool {
    guard part.utf8.count == literal.utf8.count else { return false }
    let same = part.utf8.withContiguousStorageIfAvailable { partBytes in
      literal.utf8.withContiguousStorageIfAvailable { literalBytes in
        partBytes.elementsEqual(literalBytes)
      }
    }
    return (same ?? nil) ?? part.utf8.elementsEqual(literal.utf8)
  }
}
