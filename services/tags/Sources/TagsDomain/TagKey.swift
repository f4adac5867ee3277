/// Identity of a tag: ids of `maac` and `caac` tags live in separate spaces that may collide,
/// so every reference carries the source (T4).
public struct TagKey: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The tag id within its source.
  public let id: Int64
  /// The source whose id space `id` belongs to.
  public let source: TagSource

  /// Creates a key; a missing source on the wire means `maac`, which the caller resolves.
  public init(id: Int64, source: TagSource = .maac) {
    self.id = id
    self.source = source
  }

  public var description: String { "tag \(id) (source \(source.rawValue))" }
}
