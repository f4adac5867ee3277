/// Credentials as given by an operator, not yet validated.
public struct CredentialsDraft: Sendable, Hashable {
  /// The credential set the input names (the protobuf oneof case), or nil when it is implied
  /// by the channel's type (the provisioning document).
  public var kind: CredentialKind?
  /// Field name → value as given; empty strings count as not given.
  public var values: [String: String]

  public init(kind: CredentialKind? = nil, values: [String: String]) {
    self.kind = kind
    self.values = values
  }

  /// Validates the draft for a channel of `type`: the kind must match the type, every
  /// required field must be present, every field must have its format, and no unknown field
  /// may appear. Values are never quoted in violations.
  public func validated(
    for type: ChannelType, at path: FieldPath, into violations: inout ViolationCollector
  ) -> ChannelCredentials? {
    let expected = type.credentialKind
    if let kind, kind != expected {
      violations.add(
        path,
        "are \(kind.rawValue) credentials but a \(type.rawValue) channel takes "
          + "\(expected.rawValue) credentials")
      return nil
    }
    let before = violations.violations.count
    let known = Set(expected.fields.map(\.name))
    for name in values.keys.sorted() where !known.contains(name) {
      violations.add(
        path.member(name),
        "is not a \(expected.rawValue) credential field (expected one of "
          + expected.fields.map(\.name).joined(separator: ", ") + ")")
    }
    var accepted: [String: String] = [:]
    for field in expected.fields {
      guard let value = values[field.name], !value.isEmpty else {
        if field.required { violations.add(path.member(field.name), "is required") }
        continue
      }
      if let problem = field.format.problem(with: value) {
        violations.add(path.member(field.name), problem)
      } else {
        accepted[field.name] = value
      }
    }
    guard violations.violations.count == before else { return nil }
    return ChannelCredentials(kind: expected, values: accepted)
  }
}
