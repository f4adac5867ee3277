import SwiftProtobuf

/// Compares two descriptor sets (`protoc --descriptor_set_out`) and lists every change that
/// breaks a peer compiled against the old one: removed packages, messages, enums, services,
/// fields, enum values and RPCs (unless the number is `reserved`), retyped or reused field
/// numbers, and changed RPC signatures or streaming kinds. Additions never break.
public struct CompatibilityChecker: Sendable {
  public init() {}

  /// Every breaking change from `old` to `new`, sorted for stable failure messages.
  public func breakingChanges(
    from old: Google_Protobuf_FileDescriptorSet,
    to new: Google_Protobuf_FileDescriptorSet
  ) -> [BreakingChange] {
    let before = Index(old)
    let after = Index(new)
    var changes: [BreakingChange] = []

    for package in before.packages.subtracting(after.packages) {
      changes.append(
        BreakingChange(
          kind: .packageRemoved, element: package,
          detail: "no file of the new set declares package \(package)"))
    }
    for (name, message) in before.messages {
      guard let replacement = after.messages[name] else {
        changes.append(
          BreakingChange(kind: .messageRemoved, element: name, detail: "message removed"))
        continue
      }
      changes += compare(message: message, with: replacement, named: name)
    }
    for (name, enumeration) in before.enums {
      guard let replacement = after.enums[name] else {
        changes.append(BreakingChange(kind: .enumRemoved, element: name, detail: "enum removed"))
        continue
      }
      changes += compare(enum: enumeration, with: replacement, named: name)
    }
    for (name, service) in before.services {
      guard let replacement = after.services[name] else {
        changes.append(
          BreakingChange(kind: .serviceRemoved, element: name, detail: "service removed"))
        continue
      }
      changes += compare(service: service, with: replacement, named: name)
    }
    return changes.sorted { ($0.element, $0.kind.rawValue) < ($1.element, $1.kind.rawValue) }
  }

  private func compare(
    message old: Google_Protobuf_DescriptorProto,
    with new: Google_Protobuf_DescriptorProto,
    named name: String
  ) -> [BreakingChange] {
    var changes: [BreakingChange] = []
    let newByNumber = Dictionary(new.field.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
    for field in old.field {
      let element = "\(name).\(field.name)"
      guard let replacement = newByNumber[field.number] else {
        let reserved =
          new.reservedRange.contains { $0.start <= field.number && field.number < $0.end }
          || new.reservedName.contains(field.name)
        if !reserved {
          changes.append(
            BreakingChange(
              kind: .fieldRemovedWithoutReserved, element: element,
              detail: "field \(field.number) removed; reserve \(field.number) and \"\(field.name)\""))
        }
        continue
      }
      if replacement.name != field.name {
        changes.append(
          BreakingChange(
            kind: .fieldNumberReused, element: element,
            detail: "number \(field.number) now names \"\(replacement.name)\""))
      }
      let was = Self.signature(of: field)
      let now = Self.signature(of: replacement)
      if was != now {
        changes.append(
          BreakingChange(kind: .fieldRetyped, element: element, detail: "\(was) → \(now)"))
      }
    }
    let oldNumbers = Set(old.field.map(\.number))
    for field in new.field where !oldNumbers.contains(field.number) {
      let reusesNumber = old.reservedRange.contains {
        $0.start <= field.number && field.number < $0.end
      }
      if reusesNumber || old.reservedName.contains(field.name) {
        changes.append(
          BreakingChange(
            kind: .reservedFieldReused, element: "\(name).\(field.name)",
            detail: "field \(field.number) \"\(field.name)\" was reserved"))
      }
    }
    return changes
  }

  private func compare(
    enum old: Google_Protobuf_EnumDescriptorProto,
    with new: Google_Protobuf_EnumDescriptorProto,
    named name: String
  ) -> [BreakingChange] {
    var changes: [BreakingChange] = []
    let newByNumber = Dictionary(grouping: new.value, by: \.number)
    for value in old.value {
      let element = "\(name).\(value.name)"
      guard let replacements = newByNumber[value.number] else {
        let reserved =
          new.reservedRange.contains { $0.start <= value.number && value.number <= $0.end }
          || new.reservedName.contains(value.name)
        if !reserved {
          changes.append(
            BreakingChange(
              kind: .enumValueRemovedWithoutReserved, element: element,
              detail: "value \(value.number) removed; reserve \(value.number) and \"\(value.name)\""))
        }
        continue
      }
      if !replacements.contains(where: { $0.name == value.name }) {
        changes.append(
          BreakingChange(
            kind: .enumValueNumberReused, element: element,
            detail: "number \(value.number) now names \"\(replacements[0].name)\""))
      }
    }
    let oldNumbers = Set(old.value.map(\.number))
    for value in new.value where !oldNumbers.contains(value.number) {
      // Enum reserved ranges are inclusive at both ends (descriptor.proto).
      if old.reservedRange.contains(where: { $0.start <= value.number && value.number <= $0.end })
        || old.reservedName.contains(value.name)
      {
        changes.append(
          BreakingChange(
            kind: .reservedEnumValueReused, element: "\(name).\(value.name)",
            detail: "value \(value.number) \"\(value.name)\" was reserved"))
      }
    }
    return changes
  }

  private func compare(
    service old: Google_Protobuf_ServiceDescriptorProto,
    with new: Google_Protobuf_ServiceDescriptorProto,
    named name: String
  ) -> [BreakingChange] {
    var changes: [BreakingChange] = []
    let newByName = Dictionary(new.method.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    for method in old.method {
      let element = "\(name)/\(method.name)"
      guard let replacement = newByName[method.name] else {
        changes.append(BreakingChange(kind: .rpcRemoved, element: element, detail: "RPC removed"))
        continue
      }
      if method.inputType != replacement.inputType || method.outputType != replacement.outputType {
        changes.append(
          BreakingChange(
            kind: .rpcTypeChanged, element: element,
            detail:
              "(\(method.inputType)) → (\(method.outputType)) became (\(replacement.inputType)) → (\(replacement.outputType))"
          ))
      }
      if method.clientStreaming != replacement.clientStreaming
        || method.serverStreaming != replacement.serverStreaming
      {
        changes.append(
          BreakingChange(
            kind: .rpcStreamingChanged, element: element,
            detail: "\(Self.kind(of: method)) → \(Self.kind(of: replacement))"))
      }
    }
    return changes
  }

  /// Cardinality, wire type and referenced type of a field; proto3 `optional` only adds
  /// presence, which does not change the wire, so it is not part of the signature.
  static func signature(of field: Google_Protobuf_FieldDescriptorProto) -> String {
    let cardinality = field.label == .repeated ? "repeated " : ""
    let type: String
    switch field.type {
    case .message, .enum, .group: type = field.typeName
    default: type = "\(field.type)"
    }
    return cardinality + type
  }

  static func kind(of method: Google_Protobuf_MethodDescriptorProto) -> String {
    switch (method.clientStreaming, method.serverStreaming) {
    case (false, false): return "unary"
    case (true, false): return "client streaming"
    case (false, true): return "server streaming"
    case (true, true): return "bidirectional streaming"
    }
  }
}

/// Every message, enum and service of a descriptor set by fully qualified name.
struct Index {
  var packages: Set<String> = []
  var messages: [String: Google_Protobuf_DescriptorProto] = [:]
  var enums: [String: Google_Protobuf_EnumDescriptorProto] = [:]
  var services: [String: Google_Protobuf_ServiceDescriptorProto] = [:]

  init(_ set: Google_Protobuf_FileDescriptorSet) {
    for file in set.file {
      packages.insert(file.package)
      let prefix = file.package.isEmpty ? "" : file.package + "."
      for message in file.messageType { add(message, prefix: prefix) }
      for enumeration in file.enumType { enums[prefix + enumeration.name] = enumeration }
      for service in file.service { services[prefix + service.name] = service }
    }
  }

  private mutating func add(_ message: Google_Protobuf_DescriptorProto, prefix: String) {
    let name = prefix + message.name
    messages[name] = message
    for nested in message.nestedType { add(nested, prefix: name + ".") }
    for enumeration in message.enumType { enums[name + "." + enumeration.name] = enumeration }
  }
}
