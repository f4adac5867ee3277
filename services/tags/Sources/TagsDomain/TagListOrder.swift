import Foundation

/// Sort keys of `ListTags` (T13).
public enum TagSortKey: String, Sendable, Hashable, Codable, CaseIterable {
  case memberCount = "member_count"
  case createdAt = "created_at"
  case name
  case updatedAt = "updated_at"
}

/// Direction of a sort; descending is the default.
public enum SortDirection: String, Sendable, Hashable, Codable {
  case descending = "desc"
  case ascending = "asc"
}

/// The sort values of one tag in a `ListTags` result.
public struct TagListRow: Sendable, Hashable {
  /// Identity.
  public let key: TagKey
  /// Exact member count (T12).
  public let memberCount: Int64
  /// Creation time.
  public let createdAt: Date
  /// Name.
  public let name: String
  /// Last definition change.
  public let updatedAt: Date

  /// Creates a row.
  public init(key: TagKey, memberCount: Int64, createdAt: Date, name: String, updatedAt: Date) {
    self.key = key
    self.memberCount = memberCount
    self.createdAt = createdAt
    self.name = name
    self.updatedAt = updatedAt
  }
}

/// Keyset position after one `ListTags` row: its sort value plus the tie-breaking identity.
public struct TagListPosition: Codable, Sendable, Hashable {
  /// The sort value: a count, a time in microseconds since 1970, or a name.
  public enum Value: Codable, Sendable, Hashable {
    case integer(Int64)
    case text(String)
  }
  /// Sort value of the last row of the page.
  public let value: Value
  /// Its id.
  public let id: Int64
  /// Its source.
  public let source: TagSource

  /// Creates a position.
  public init(value: Value, id: Int64, source: TagSource) {
    self.value = value
    self.id = id
    self.source = source
  }
}

/// The total order of `ListTags` (T13): the whole result set is sorted by the key, then by
/// id and source in the same direction, and only then cut into pages, so concatenated pages
/// reproduce the global order whatever the page size.
public struct TagListOrder: Sendable, Hashable, Codable {
  /// The sort key.
  public let key: TagSortKey
  /// The direction.
  public let direction: SortDirection

  /// Creates an order; default `member_count` descending.
  public init(key: TagSortKey = .memberCount, direction: SortDirection = .descending) {
    self.key = key
    self.direction = direction
  }

  /// The keyset position of `row` under this order.
  public func position(of row: TagListRow) -> TagListPosition {
    let value: TagListPosition.Value =
      switch key {
      case .memberCount: .integer(row.memberCount)
      case .createdAt: .integer(TagListOrder.microseconds(row.createdAt))
      case .name: .text(row.name)
      case .updatedAt: .integer(TagListOrder.microseconds(row.updatedAt))
      }
    return TagListPosition(value: value, id: row.key.id, source: row.key.source)
  }

  /// Whether `a` comes before `b`.
  public func precedes(_ a: TagListRow, _ b: TagListRow) -> Bool {
    comesBefore(position(of: a), position(of: b))
  }

  /// Whether position `a` comes before position `b`.
  public func comesBefore(_ a: TagListPosition, _ b: TagListPosition) -> Bool {
    let ascending: Bool
    switch (a.value, b.value) {
    case (.integer(let x), .integer(let y)) where x != y: ascending = x < y
    case (.text(let x), .text(let y)) where x != y: ascending = TagListOrder.bytewise(x, y)
    default:
      if a.id != b.id {
        ascending = a.id < b.id
      } else if a.source != b.source {
        ascending = a.source.rawValue < b.source.rawValue
      } else {
        return false
      }
    }
    return direction == .ascending ? ascending : !ascending
  }

  /// One page of `rows` after `after` (all rows already filtered; order applied here).
  public func page(of rows: [TagListRow], after: TagListPosition?, size: Int) -> (
    rows: [TagListRow], next: TagListPosition?
  ) {
    let sorted = rows.sorted(by: precedes)
    let remaining =
      after.map { cut in sorted.filter { comesBefore(cut, position(of: $0)) } } ?? sorted
    let page = Array(remaining.prefix(size))
    let next = remaining.count > size ? page.last.map(position(of:)) : nil
    return (page, next)
  }

  /// Microseconds since 1970, the precision PostgreSQL stores.
  public static func microseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
  }

  /// Byte order of UTF-8 (PostgreSQL `COLLATE "C"`), so Swift and SQL agree on name order.
  static func bytewise(_ x: String, _ y: String) -> Bool {
    x.utf8.lexicographicallyPrecedes(y.utf8)
  }
}
