/// The per-name plan of an `EnsureTags` call (T5, T19).
public struct EnsureTagsPlan: Sendable {
  /// One requested name.
  public struct Item: Sendable, Hashable {
    /// The name as sent.
    public let inputName: String
    /// The normalised name (also for invalid names, so callers can report it).
    public let normalizedName: String
    /// The validated name, nil when the name is refused.
    public let name: TagName?
    /// The refusal, nil when valid.
    public let violation: TagRuleViolation?
  }

  /// Items in request order.
  public let items: [Item]

  /// Distinct valid names in first-seen order: the names to look up or create.
  public var distinctValidNames: [TagName] {
    var seen = Set<TagName>()
    return items.compactMap(\.name).filter { seen.insert($0).inserted }
  }

  /// Validates every name; a bad name never blocks the others.
  public init(names: [String]) throws(TagRuleViolation) {
    try TagLimits.requireCount(
      names.count, field: "names", maximum: TagLimits.namesPerEnsure,
      tooManyReason: "TOO_MANY_NAMES")
    items = names.enumerated().map { index, raw in
      do throws(TagRuleViolation) {
        let name = try TagName(validating: raw, field: "names[\(index)]")
        return Item(inputName: raw, normalizedName: name.value, name: name, violation: nil)
      } catch {
        return Item(
          inputName: raw, normalizedName: TagName.normalize(raw), name: nil, violation: error)
      }
    }
  }
}

/// Outcome of one `EnsureTags` name.
public enum EnsureOutcome: String, Sendable, Hashable {
  case created
  case existing
  case invalid
}
