/// A path to a field inside a validated input, rendered as `a.b[2].c`.
///
/// The same rendering is used for the JSON provisioning document and for the RPC requests,
/// so an operator can find the entry an error names in either.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
  private var rendered: String

  /// The root: fields below it are rendered without a leading dot.
  public static let root = FieldPath(rendered: "")

  private init(rendered: String) {
    self.rendered = rendered
  }

  /// The path of member `name` below this one.
  public func member(_ name: String) -> FieldPath {
    FieldPath(rendered: rendered.isEmpty ? name : rendered + "." + name)
  }

  /// The path of element `index` of the array at this path.
  public func element(_ index: Int) -> FieldPath {
    FieldPath(rendered: rendered + "[\(index)]")
  }

  public var description: String { rendered.isEmpty ? "(document)" : rendered }
}

/// Collects violations while an input is walked, so that every problem is reported at once.
public struct ViolationCollector: Sendable {
  /// Violations found so far, in the order found.
  public private(set) var violations: [FieldViolation] = []

  public init() {}

  /// Records that the field at `path` is invalid for `reason`.
  public mutating func add(_ path: FieldPath, _ reason: String) {
    violations.append(FieldViolation(field: path.description, reason: reason))
  }

  /// True when nothing has been recorded.
  public var isEmpty: Bool { violations.isEmpty }

  /// Throws the collected violations, if any.
  public func throwIfAny() throws(ValidationFailure) {
    if !violations.isEmpty { throw ValidationFailure(violations) }
  }
}
