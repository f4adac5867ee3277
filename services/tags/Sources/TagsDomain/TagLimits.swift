/// Size limits of tag manager requests (T28).
public enum TagLimits {
  /// Contacts per `AttachTags`/`DetachTags` call.
  public static let contactsPerAttach = 1_000
  /// Tags per `AttachTags`/`DetachTags` call.
  public static let tagsPerAttach = 50
  /// (contact, tag) pairs per `AttachTags`/`DetachTags` call.
  public static let pairsPerAttach = 10_000
  /// Names per `EnsureTags` call.
  public static let namesPerEnsure = 500
  /// Ids per `BatchGetTags`, `BatchDeleteTags` and `BatchListContactTags`.
  public static let idsPerBatch = 1_000
  /// Tags of one bulk job.
  public static let tagsPerBulkJob = 50
  /// Explicit contacts of one bulk job.
  public static let contactsPerBulkJob = 10_000
  /// Jobs an organization may have waiting.
  public static let queuedBulkJobs = 50
  /// Default and largest page sizes (CONVENTIONS.md).
  public static let defaultPageSize = 100
  /// Largest page size.
  public static let maximumPageSize = 1_000
  /// Contact ids per `StreamTagMembers` message.
  public static let membersPerStreamBatch = 10_000

  /// Checks that a repeated field holds 1...`maximum` items.
  ///
  /// - Parameters:
  ///   - tooManyReason: reason for an oversized list (`TOO_MANY_IDS`, `BATCH_TOO_LARGE`, ...).
  public static func requireCount(
    _ count: Int, field: String, maximum: Int, tooManyReason: String
  ) throws(TagRuleViolation) {
    if count == 0 {
      throw TagRuleViolation(
        .invalidArgument, reason: "EMPTY_REQUEST", field: field,
        message: "\(field): must contain 1 to \(maximum) items (got 0)")
    }
    if count > maximum {
      throw TagRuleViolation(
        .invalidArgument, reason: tooManyReason, field: field,
        message: "\(field): must contain 1 to \(maximum) items (got \(count))")
    }
  }

  /// Resolves a page size: 0 = default, otherwise 1...1,000.
  public static func pageSize(_ requested: Int) throws(TagRuleViolation) -> Int {
    if requested == 0 { return defaultPageSize }
    guard (1...maximumPageSize).contains(requested) else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_PAGINATION", field: "page_size",
        message: "page_size: must be between 1 and \(maximumPageSize) (got \(requested))")
    }
    return requested
  }
}
