/// The product a channel entity or organization belongs to (cdh.md §2.1).
public enum MemberSource: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
  case maac
  case caac

  public static func < (lhs: MemberSource, rhs: MemberSource) -> Bool {
    lhs.rawValue < rhs.rawValue
  }
}

/// A channel entity: `(source, member_id)` is globally unique (cdh.md §2.1).
///
/// Ordering is `(source, member_id)`, the order the spec uses for every tie-break (U17, U22).
public struct MemberRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var source: MemberSource
  public var memberID: Int64

  public init(_ source: MemberSource, _ memberID: Int64) {
    self.source = source
    self.memberID = memberID
  }

  public static func maac(_ id: Int64) -> MemberRef { MemberRef(.maac, id) }

  public static func < (lhs: MemberRef, rhs: MemberRef) -> Bool {
    if lhs.source != rhs.source { return lhs.source < rhs.source }
    return lhs.memberID < rhs.memberID
  }

  public var description: String { "\(source.rawValue):\(memberID)" }

  /// Validates a reference coming from a request (cdh.md §7 "any with MemberRef").
  public static func validated(source: MemberSource?, memberID: Int64, field: String)
    throws(DomainError) -> MemberRef
  {
    guard let source else { throw .invalidArgument(field: "\(field).source", "invalid source") }
    guard memberID > 0 else {
      throw .invalidArgument(field: "\(field).member_id", "member_id must be positive")
    }
    return MemberRef(source, memberID)
  }
}

/// An organization of a product: `(org_id, source)` is unique (cdh.md §2.1).
public struct OrgRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var orgID: Int64
  public var source: MemberSource

  public init(_ orgID: Int64, _ source: MemberSource = .maac) {
    self.orgID = orgID
    self.source = source
  }

  public static func < (lhs: OrgRef, rhs: OrgRef) -> Bool {
    if lhs.source != rhs.source { return lhs.source < rhs.source }
    return lhs.orgID < rhs.orgID
  }

  public var description: String { "\(source.rawValue)_\(orgID)" }
}
