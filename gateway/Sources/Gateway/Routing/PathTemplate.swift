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
    var values: [String: String] = [:]
    for (segment, part) in zip(segments, parts) {
      switch segment {
      case .literal(let literal):
        guard part == literal else { return nil }
      case .parameter(let name):
        guard let decoded = String(part).removingPercentEncoding, !decoded.isEmpty else {
          return nil
        }
        values[name] = decoded
      }
    }
    return values
  }
}
