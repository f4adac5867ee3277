/// The system of record of a tag definition; part of a tag's identity (spec/tags.md §0).
public enum TagSource: String, Sendable, Hashable, CaseIterable, Codable {
  case maac
  case caac
}
