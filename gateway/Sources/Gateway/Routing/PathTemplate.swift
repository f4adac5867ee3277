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
  static func split(path: String) -> [Substring]? {
    var trimmed = Substring(path)
    if trimmed.hasSuffix("/"), trimmed.count > 1 { trimmed = trimmed.dropLast() }
    guard trimmed.hasPrefix("/") else { return nil }
    let parts = trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    if parts.contains(where: \.isEmpty) { return nil }
    return parts
  }

  /// The percent-decoded parameter values when `segments` match the template.
  func match(_ parts: [Substring]) -> [String: String]? {
    guard parts.count == segments.count else { return nil }
    // Literals first: most templates fail on them, before any dictionary is built.
    for index in segments.indices {
      // Bytes, not `Substring != String` (the generic StringProtocol comparison with Unicode
      // equivalence was most of the matching's cost); templates are ASCII.
      if case .literal(let literal) = segments[index],
        !parts[index].utf8.elementsEqual(literal.utf8)
      {
        return nil
      }
    }
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
}
