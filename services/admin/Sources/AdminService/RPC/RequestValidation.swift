import AdminDomain
import GRPCCore

/// Runs the domain rules on a request and turns violations into INVALID_ARGUMENT.
enum RequestValidation {
  /// `read` maps the request to a draft (recording enum values the contract does not know);
  /// `validate` applies the domain rules. Every violation of both is reported, each field
  /// once.
  static func validated<Draft, Valid>(
    read: (inout ViolationCollector) -> Draft,
    validate: (Draft, inout ViolationCollector) -> Valid?
  ) throws(RPCError) -> Valid {
    var mapping = ViolationCollector()
    let draft = read(&mapping)
    var rules = ViolationCollector()
    let valid = validate(draft, &rules)
    let mapped = mapping.violations.map(\.field)
    let all =
      mapping.violations
      + rules.violations.filter { rule in
        !mapped.contains { rule.field == $0 || rule.field.hasPrefix($0 + ".") }
      }
    guard all.isEmpty, let valid else { throw AdminError.invalid(ValidationFailure(all)) }
    return valid
  }

  /// An id field that must be positive (A4).
  static func positiveID(_ value: Int64, field: String) throws(RPCError) -> Int64 {
    guard value > 0 else { throw AdminError.invalid(field: field, "must be a positive id") }
    return value
  }
}
