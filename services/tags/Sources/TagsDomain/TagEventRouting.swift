/// Which published streams an association change goes to (§7.1, T10, T14, T22, T24, T25).
public enum TagEventRouting {
  /// Every change of any origin goes to `tags.member_tag.v1` (segment projection needs all).
  public static let memberTagStream = "tags.member_tag.v1"
  /// The direct-only trigger feed in the legacy envelope.
  public static let triggerFeed = "member.tag.update"
  /// Definition changes.
  public static let definitionStream = "tags.tag.v1"
  /// Bulk jobs reaching a terminal state.
  public static let bulkJobStream = "tags.bulk_job.v1"

  /// Whether a change also goes to the trigger feed read by journey and webhooks: direct
  /// changes only, and not the mass removals caused by a tag or contact deletion.
  public static func publishesTrigger(origin: Origin, removeReason: RemoveReason?) -> Bool {
    guard origin == .direct else { return false }
    switch removeReason {
    case .tagDeleted?, .contactDeleted?: return false
    default: return true
    }
  }

  /// Whether CDH should take the change (T22): direct changes not delivered by CDH itself,
  /// so nothing is echoed back.
  public static func offeredToCDH(origin: Origin, taggedVia: TaggedVia?) -> Bool {
    origin == .direct && taggedVia != .cdhSync && taggedVia != .unification
  }
}
