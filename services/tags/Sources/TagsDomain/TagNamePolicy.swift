/// Uniqueness of tag names among active tags (T2, T3) and the per-organization tag limit.
public enum TagNamePolicy {
  /// Active tags an organization may hold (T28).
  public static let activeTagLimit = 100_000

  /// Checks a new or changed `maac` name against the active tags that already hold it.
  ///
  /// - Parameters:
  ///   - sameSource: the active `maac` tag with this name, other than the one being renamed.
  ///   - caacHolder: the active `caac` tag with this name in the organization.
  ///   - organizationIsCDHLinked: after CDH enablement MAAC and CAAC names must not collide.
  public static func check(
    name: TagName, sameSource: TagKey?, caacHolder: TagKey?, organizationIsCDHLinked: Bool
  ) throws(TagRuleViolation) {
    if let sameSource {
      throw TagRuleViolation(
        .alreadyExists, reason: "TAG_NAME_EXISTS", field: "name",
        message: "name: a tag named \"\(name.value)\" already exists (tag_id \(sameSource.id))",
        metadata: ["existing_tag_id": String(sameSource.id)])
    }
    if organizationIsCDHLinked, let caacHolder {
      throw TagRuleViolation(
        .alreadyExists, reason: "TAG_NAME_EXISTS_OTHER_SOURCE", field: "name",
        message: "name: a CAAC tag named \"\(name.value)\" already exists in this unify scope",
        metadata: ["existing_tag_id": String(caacHolder.id)])
    }
  }

  /// Refuses a creation that would exceed the active tag limit.
  public static func checkLimit(activeTags: Int) throws(TagRuleViolation) {
    guard activeTags < activeTagLimit else {
      throw TagRuleViolation(
        .resourceExhausted, reason: "TAG_LIMIT_REACHED", field: "",
        message: "organization has reached the limit of \(activeTagLimit) active tags")
    }
  }

  /// `CreateTag`/`EnsureTags` create `maac` tags only; CAAC definitions arrive from CDH (T7).
  public static func creationSource(for createdVia: CreatedVia?) throws(TagRuleViolation)
    -> CreatedVia
  {
    let via = createdVia ?? .maac
    guard via != .caac else {
      throw TagRuleViolation(
        .invalidArgument, reason: "TAG_MANAGED_BY_OTHER_SOURCE", field: "created_via",
        message: "created_via: caac tags can only be created by CDH sync")
    }
    return via
  }
}
