import MAACContracts
import PostgresClient
import TagsDomain

/// The part of segment's filter grammar the tag manager can resolve on its own data: groups of
/// `tag with` conditions (with an optional intensity), combined by `all`/`any`.
///
/// Segment owns the grammar (B4) and would resolve every other condition through
/// `EvaluateFilter`; until that service exists, other conditions are refused at submission with
/// the path of the condition, never silently ignored.
indirect enum TagFilter: Sendable, Hashable {
  case tag(TagKey, minimumCount: Int32?, exactCount: Int32?, maximumCount: Int32?)
  case all([TagFilter])
  case any([TagFilter])

  /// Parses `tree`; `path` names the request field in errors.
  static func parse(_ tree: Maac_Segments_V1_FilterTree, path: String) throws(TagRuleViolation)
    -> TagFilter
  {
    func refuse(_ field: String, _ why: String) -> TagRuleViolation {
      TagRuleViolation(
        .failedPrecondition, reason: "FILTER_NOT_SUPPORTED", field: field,
        message: "\(field): \(why)")
    }
    guard tree.match == .all || tree.match == .any else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_FILTER", field: "\(path).match",
        message: "\(path).match: is required (all or any)")
    }
    guard !tree.conditions.isEmpty else {
      throw TagRuleViolation(
        .invalidArgument, reason: "INVALID_FILTER", field: "\(path).conditions",
        message: "\(path).conditions: a group holds at least one node")
    }
    var nodes: [TagFilter] = []
    for (index, node) in tree.conditions.enumerated() {
      let nodePath = "\(path).conditions[\(index)]"
      switch node.node {
      case .group(let group)?:
        nodes.append(try parse(group, path: "\(nodePath).group"))
      case .condition(let condition)?:
        guard condition.condition == "tag" else {
          throw refuse(
            "\(nodePath).condition.condition",
            "condition \"\(condition.condition)\" needs the segment service, which is not available; only tag conditions are supported"
          )
        }
        guard condition.op == "with" else {
          throw refuse(
            "\(nodePath).condition.op",
            "\"tag \(condition.op)\" needs the contact universe from the segment service; only \"with\" is supported"
          )
        }
        guard case .intValue(let id)? = condition.value.kind, id > 0 else {
          throw TagRuleViolation(
            .invalidArgument, reason: "INVALID_FILTER", field: "\(nodePath).condition.value",
            message: "\(nodePath).condition.value: must be a positive tag id")
        }
        if condition.extra.hasTimespan {
          throw refuse("\(nodePath).condition.extra.timespan", "timespans need the segment service")
        }
        let key = TagKey(id: id, source: condition.extra.source == .caac ? .caac : .maac)
        var minimum: Int32?
        var exact: Int32?
        var maximum: Int32?
        if condition.extra.hasIntensity {
          let intensity = condition.extra.intensity
          guard intensity.count >= 1 else {
            throw TagRuleViolation(
              .invalidArgument, reason: "INVALID_FILTER",
              field: "\(nodePath).condition.extra.intensity.count",
              message: "\(nodePath).condition.extra.intensity.count: must be at least 1")
          }
          switch intensity.op {
          case .gte: minimum = intensity.count
          case .lte: maximum = intensity.count
          case .eq: exact = intensity.count
          default:
            throw TagRuleViolation(
              .invalidArgument, reason: "INVALID_FILTER",
              field: "\(nodePath).condition.extra.intensity.op",
              message: "\(nodePath).condition.extra.intensity.op: is required (gte, lte or eq)")
          }
        }
        nodes.append(.tag(key, minimumCount: minimum, exactCount: exact, maximumCount: maximum))
      case nil:
        throw TagRuleViolation(
          .invalidArgument, reason: "INVALID_FILTER", field: nodePath,
          message: "\(nodePath): must be a condition or a group")
      }
    }
    return tree.match == .all ? .all(nodes) : .any(nodes)
  }

  /// The tags that `tag` conditions of any tree mention, whatever else it holds (the
  /// self-reference warning of filters that segment evaluates, T17).
  static func referencedTags(in tree: Maac_Segments_V1_FilterTree) -> Set<TagKey> {
    tree.conditions.reduce(into: []) { tags, node in
      switch node.node {
      case .group(let group)?: tags.formUnion(referencedTags(in: group))
      case .condition(let condition)? where condition.condition == "tag":
        if case .intValue(let id)? = condition.value.kind, id > 0 {
          tags.insert(TagKey(id: id, source: condition.extra.source == .caac ? .caac : .maac))
        }
      default: break
      }
    }
  }

  /// Every tag a condition mentions (for the self-reference warning, T17).
  var referencedTags: Set<TagKey> {
    switch self {
    case .tag(let key, _, _, _): [key]
    case .all(let nodes), .any(let nodes):
      nodes.reduce(into: []) { $0.formUnion($1.referencedTags) }
    }
  }

  /// A `SELECT contact_id` over the organization's visible associations ("has" of T12).
  func sql(organizationParameter: String, parameters: inout [(any PostgresEncodable)?]) -> String {
    switch self {
    case .tag(let key, let minimum, let exact, let maximum):
      func bind(_ value: any PostgresEncodable) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
      }
      var sql = """
        SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.organization_id = ct.organization_id
          AND t.source = ct.tag_source AND t.id = ct.tag_id
        WHERE ct.organization_id = \(organizationParameter) AND ct.tag_source = \(bind(key.source.rawValue))
          AND ct.tag_id = \(bind(key.id)) AND t.deleted_at IS NULL
          AND (ct.expires_at IS NULL OR ct.expires_at > now())
        """
      if let minimum { sql += " AND ct.tag_count >= \(bind(minimum))" }
      if let exact { sql += " AND ct.tag_count = \(bind(exact))" }
      if let maximum { sql += " AND ct.tag_count <= \(bind(maximum))" }
      return sql
    case .all(let nodes):
      return nodes.map {
        "(" + $0.sql(organizationParameter: organizationParameter, parameters: &parameters) + ")"
      }
      .joined(separator: " INTERSECT ")
    case .any(let nodes):
      return nodes.map {
        "(" + $0.sql(organizationParameter: organizationParameter, parameters: &parameters) + ")"
      }
      .joined(separator: " UNION ")
    }
  }
}
