import Foundation
import MAACContracts

/// What a filter matched in segment's projection (C64, C67).
public struct FilterEvaluation: Sendable, Hashable {
  /// Contact ids, ascending.
  public var contactIDs: [Int64]
  /// The projection watermark the ids reflect (C67); `nil` when segment did not say.
  public var dataAsOf: Date?

  public init(contactIDs: [Int64], dataAsOf: Date?) {
    self.contactIDs = contactIDs
    self.dataAsOf = dataAsOf
  }
}

/// The segment service as the contact list needs it (C64, D4): contacts owns no filter
/// grammar; it asks segment which contacts match and hydrates them from its own store.
public protocol FilterEvaluator: Sendable {
  /// The ids matching `filter` within `channelIDs` (empty = every channel), for
  /// `organizationID`. Throws INVALID_ARGUMENT with segment's reason for a bad filter and
  /// UNAVAILABLE `SEGMENT_UNAVAILABLE` when segment cannot answer (C66).
  func evaluate(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> FilterEvaluation

  /// The number of members matching `filter` (`PreviewFilter`), with its freshness.
  func count(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> (count: Int64, dataAsOf: Date?)
}

/// A deployment without a segment peer: every filter answers UNAVAILABLE, never 400 (C66).
public struct UnreachableFilterEvaluator: FilterEvaluator {
  public init() {}

  public func evaluate(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> FilterEvaluation {
    throw SegmentFilterClient.unavailable
  }

  public func count(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> (count: Int64, dataAsOf: Date?) {
    throw SegmentFilterClient.unavailable
  }
}
