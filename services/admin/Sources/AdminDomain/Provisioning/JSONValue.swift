/// A parsed JSON value that keeps what a strict reader of an operator's document needs and
/// the usual decoders lose: object members in document order, including repeated names (so a
/// duplicated key is reported instead of silently overwriting), and numbers as written (so
/// `1.5` or `1e3` given for an id is refused instead of rounded).
public indirect enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// The number's literal text, as it appeared in the document.
  case number(String)
  case string(String)
  case array([JSONValue])
  /// Members in document order; a name may appear more than once.
  case object([(name: String, value: JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let l), .bool(let r)): l == r
    case (.number(let l), .number(let r)): l == r
    case (.string(let l), .string(let r)): l == r
    case (.array(let l), .array(let r)): l == r
    case (.object(let l), .object(let r)):
      l.count == r.count && zip(l, r).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    default: false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let value): hasher.combine(value)
    case .number(let text): hasher.combine(text)
    case .string(let text): hasher.combine(text)
    case .array(let values): hasher.combine(values)
    case .object(let members):
      for member in members {
        hasher.combine(member.name)
        hasher.combine(member.value)
      }
    }
  }

  /// The kind of value, as named in error messages.
  public var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}
