/// Reads the members of one JSON object of the provisioning document, recording a violation
/// for every member of the wrong type, every repeated member and (on `finish`) every member
/// nobody asked for, so that a typo such as `"timzone"` is refused instead of ignored.
struct JSONObjectReader {
  let path: FieldPath
  private var members: [String: JSONValue] = [:]
  private var order: [String] = []
  private var read: Set<String> = []

  /// Nil (with a violation) when `value` is not an object.
  init?(_ value: JSONValue, at path: FieldPath, into violations: inout ViolationCollector) {
    guard case .object(let pairs) = value else {
      violations.add(path, "must be an object (got \(value.kindName))")
      return nil
    }
    self.path = path
    for (name, member) in pairs {
      if members[name] != nil {
        violations.add(path.member(name), "appears more than once")
        continue
      }
      members[name] = member
      order.append(name)
    }
  }

  /// The member `name`, nil when absent or JSON `null` (both mean "not given").
  mutating func value(_ name: String) -> JSONValue? {
    read.insert(name)
    guard let value = members[name], value != .null else { return nil }
    return value
  }

  mutating func string(_ name: String, into violations: inout ViolationCollector) -> String? {
    guard let value = value(name) else { return nil }
    guard case .string(let text) = value else {
      violations.add(path.member(name), "must be a string (got \(value.kindName))")
      return nil
    }
    return text
  }

  mutating func bool(_ name: String, into violations: inout ViolationCollector) -> Bool? {
    guard let value = value(name) else { return nil }
    guard case .bool(let flag) = value else {
      violations.add(path.member(name), "must be true or false (got \(value.kindName))")
      return nil
    }
    return flag
  }

  mutating func integer(_ name: String, into violations: inout ViolationCollector) -> Int64? {
    guard let value = value(name) else { return nil }
    guard case .number(let text) = value, let number = Int64(text) else {
      violations.add(path.member(name), "must be an integer (got \(value.kindName))")
      return nil
    }
    return number
  }

  /// A string member that must be one of an enumeration's raw values.
  mutating func enumeration<E: RawRepresentable & CaseIterable>(
    _ name: String, _: E.Type, into violations: inout ViolationCollector
  ) -> E? where E.RawValue == String {
    guard let text = string(name, into: &violations) else { return nil }
    guard let value = E(rawValue: text) else {
      violations.add(
        path.member(name),
        "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
          + " (got \"\(text)\")")
      return nil
    }
    return value
  }

  /// An array member; its elements with their paths.
  mutating func array(_ name: String, into violations: inout ViolationCollector)
    -> [(JSONValue, FieldPath)]?
  {
    guard let value = value(name) else { return nil }
    guard case .array(let elements) = value else {
      violations.add(path.member(name), "must be an array (got \(value.kindName))")
      return nil
    }
    return elements.enumerated().map { ($1, path.member(name).element($0)) }
  }

  /// Every member as a string (credential sets); non-strings are violations.
  mutating func allStrings(into violations: inout ViolationCollector) -> [String: String] {
    var strings: [String: String] = [:]
    for name in order {
      if let text = string(name, into: &violations) { strings[name] = text }
    }
    return strings
  }

  /// Records every member that was never read.
  func finish(known: [String], into violations: inout ViolationCollector) {
    for name in order where !read.contains(name) {
      violations.add(
        path.member(name), "is not a known field (expected " + known.joined(separator: ", ") + ")")
    }
  }
}
