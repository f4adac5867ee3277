/// Add or remove.
public enum BulkAction: String, Sendable, Hashable, Codable {
  case add
  case remove
}

/// Who a bulk job targets (T16). The filter itself belongs to segment (B4); the domain only
/// needs the tags the filter refers to, for the self-reference warning (T17).
public enum BulkTarget: Sendable, Hashable {
  /// Explicit contacts, used as given (snapshot semantics).
  case contactIDs([Int64])
  /// Contacts matching a segment filter when the job runs; `referencedTags` are the tags its
  /// tag conditions mention.
  case filter(referencedTags: Set<TagKey>)
  /// Members of a segment when the job runs.
  case segment(id: Int64, refresh: Bool)
}

/// A validated `StartBulkTagJob` request (T16–T18, T28).
public struct BulkTagJobRequest: Sendable, Hashable {
  /// Add or remove.
  public let action: BulkAction
  /// Distinct tags in request order.
  public let tags: [TagKey]
  /// Target.
  public let target: BulkTarget

  /// Validates the request; `queuedJobs` is the organization's count of waiting jobs.
  public init(action: BulkAction?, tags: [TagKey], target: BulkTarget?, queuedJobs: Int)
    throws(TagRuleViolation)
  {
    func invalid(_ field: String, _ why: String) -> TagRuleViolation {
      TagRuleViolation(
        .invalidArgument, reason: "INVALID_BULK_REQUEST", field: field, message: "\(field): \(why)")
    }
    guard let action else { throw invalid("action", "is required (add or remove)") }
    var seen = Set<TagKey>()
    let distinct = tags.filter { seen.insert($0).inserted }
    guard (1...TagLimits.tagsPerBulkJob).contains(distinct.count) else {
      throw invalid(
        "tag_ids", "must contain 1 to \(TagLimits.tagsPerBulkJob) items (got \(distinct.count))")
    }
    guard let target else { throw invalid("target", "is required") }
    if case .contactIDs(let ids) = target {
      guard (1...TagLimits.contactsPerBulkJob).contains(ids.count) else {
        throw invalid(
          "target.contact_ids.contact_ids",
          "must contain 1 to \(TagLimits.contactsPerBulkJob) items (got \(ids.count))")
      }
      if let bad = ids.firstIndex(where: { $0 <= 0 }) {
        throw invalid("target.contact_ids.contact_ids[\(bad)]", "must be a positive id")
      }
    }
    if queuedJobs >= TagLimits.queuedBulkJobs {
      throw TagRuleViolation(
        .resourceExhausted, reason: "BULK_QUEUE_FULL", field: "",
        message: "organization already has \(TagLimits.queuedBulkJobs) queued bulk tag jobs")
    }
    self.action = action
    self.tags = distinct
    self.target = target
  }

  /// Warnings known at submission (T17): a filter that tests one of the job's own tags.
  public var submissionWarnings: [BulkJobWarning] {
    if case .filter(let referenced) = target, !referenced.isDisjoint(with: tags) {
      return [.selfReferencingFilter]
    }
    return []
  }
}

/// Warnings of a bulk job; they never fail it (T17).
public enum BulkJobWarning: String, Sendable, Hashable, Codable {
  case selfReferencingFilter = "self_referencing_filter"
  case zeroMatch = "zero_match"
}
