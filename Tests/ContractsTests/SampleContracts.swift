import ContractsTestSupport
import SwiftProtobuf

/// A small hand-built descriptor set the compatibility tests mutate.
enum SampleContracts {
  static let package = "maac.sample.v1"

  static func baseline() -> Google_Protobuf_FileDescriptorSet {
    let nested = Google_Protobuf_DescriptorProto.with {
      $0.name = "Nested"
      $0.field = [field("value", 1, .string)]
    }
    let sample = Google_Protobuf_DescriptorProto.with {
      $0.name = "Sample"
      $0.field = [
        field("id", 1, .int64),
        field("name", 2, .string),
        field("ids", 3, .int64, repeated: true),
        field("nested", 4, .message, typeName: ".\(package).Sample.Nested"),
        field("color", 5, .enum, typeName: ".\(package).Color"),
      ]
      $0.nestedType = [nested]
      $0.reservedRange = [.with { $0.start = 9; $0.end = 11 }]
      $0.reservedName = ["legacy"]
    }
    let color = Google_Protobuf_EnumDescriptorProto.with {
      $0.name = "Color"
      $0.value = [value("COLOR_UNSPECIFIED", 0), value("COLOR_RED", 1)]
      $0.reservedRange = [.with { $0.start = 7; $0.end = 8 }]
    }
    let service = Google_Protobuf_ServiceDescriptorProto.with {
      $0.name = "SampleService"
      $0.method = [
        method("Get"),
        method("Watch", serverStreaming: true),
      ]
    }
    let file = Google_Protobuf_FileDescriptorProto.with {
      $0.name = "maac/sample/v1/sample.proto"
      $0.package = package
      $0.syntax = "proto3"
      $0.messageType = [sample]
      $0.enumType = [color]
      $0.service = [service]
    }
    return .with { $0.file = [file] }
  }

  static func field(
    _ name: String, _ number: Int32, _ type: Google_Protobuf_FieldDescriptorProto.TypeEnum,
    repeated: Bool = false, typeName: String = ""
  ) -> Google_Protobuf_FieldDescriptorProto {
    .with {
      $0.name = name
      $0.number = number
      $0.type = type
      $0.label = repeated ? .repeated : .optional
      if !typeName.isEmpty { $0.typeName = typeName }
    }
  }

  static func value(_ name: String, _ number: Int32) -> Google_Protobuf_EnumValueDescriptorProto {
    .with {
      $0.name = name
      $0.number = number
    }
  }

  static func method(
    _ name: String, clientStreaming: Bool = false, serverStreaming: Bool = false
  ) -> Google_Protobuf_MethodDescriptorProto {
    .with {
      $0.name = name
      $0.inputType = ".\(package).Sample"
      $0.outputType = ".\(package).Sample"
      $0.clientStreaming = clientStreaming
      $0.serverStreaming = serverStreaming
    }
  }

  /// Edits the top-level or nested message with the given full name, wherever it is.
  static func editMessage(
    named fullName: String, in set: inout Google_Protobuf_FileDescriptorSet,
    _ edit: (inout Google_Protobuf_DescriptorProto) -> Void
  ) {
    for fileIndex in set.file.indices {
      let prefix = set.file[fileIndex].package + "."
      for index in set.file[fileIndex].messageType.indices {
        editMessage(
          named: fullName, prefix: prefix, in: &set.file[fileIndex].messageType[index], edit)
      }
    }
  }

  private static func editMessage(
    named fullName: String, prefix: String, in message: inout Google_Protobuf_DescriptorProto,
    _ edit: (inout Google_Protobuf_DescriptorProto) -> Void
  ) {
    let name = prefix + message.name
    if name == fullName { edit(&message) }
    for index in message.nestedType.indices {
      editMessage(named: fullName, prefix: name + ".", in: &message.nestedType[index], edit)
    }
  }

  static func editSample(
    _ set: inout Google_Protobuf_FileDescriptorSet,
    _ edit: (inout Google_Protobuf_DescriptorProto) -> Void
  ) {
    edit(&set.file[0].messageType[0])
  }
}

/// Changes that keep old peers working.
enum CompatibleEvolution: String, CaseIterable, Sendable {
  case addField
  case removeFieldWithReservedNumber
  case addEnumValue
  case addRPC
  case addMessage
  case addFile

  func apply(to set: inout Google_Protobuf_FileDescriptorSet) {
    switch self {
    case .addField:
      SampleContracts.editSample(&set) { $0.field.append(SampleContracts.field("extra", 6, .bool)) }
    case .removeFieldWithReservedNumber:
      SampleContracts.editSample(&set) {
        $0.field.removeAll { $0.number == 2 }
        $0.reservedRange.append(.with { $0.start = 2; $0.end = 3 })
      }
    case .addEnumValue:
      set.file[0].enumType[0].value.append(SampleContracts.value("COLOR_BLUE", 2))
    case .addRPC:
      set.file[0].service[0].method.append(SampleContracts.method("Upload", clientStreaming: true))
    case .addMessage:
      set.file[0].messageType.append(.with { $0.name = "Another" })
    case .addFile:
      set.file.append(
        .with {
          $0.name = "maac/other/v1/other.proto"
          $0.package = "maac.other.v1"
        })
    }
  }
}

/// One mutation per kind of breaking change.
enum Mutation: String, CaseIterable, Sendable {
  case renamePackage
  case removeMessage
  case removeEnum
  case removeService
  case removeField
  case retypeField
  case makeFieldRepeated
  case changeFieldMessageType
  case reuseFieldNumber
  case reuseReservedFieldNumber
  case removeEnumValue
  case reuseEnumValueNumber
  case reuseReservedEnumValue
  case removeRPC
  case changeRPCRequest
  case makeRPCClientStreaming
  case makeRPCUnary

  var expectedKind: BreakingChange.Kind {
    switch self {
    case .renamePackage: return .packageRemoved
    case .removeMessage: return .messageRemoved
    case .removeEnum: return .enumRemoved
    case .removeService: return .serviceRemoved
    case .removeField: return .fieldRemovedWithoutReserved
    case .retypeField, .makeFieldRepeated, .changeFieldMessageType: return .fieldRetyped
    case .reuseFieldNumber: return .fieldNumberReused
    case .reuseReservedFieldNumber: return .reservedFieldReused
    case .removeEnumValue: return .enumValueRemovedWithoutReserved
    case .reuseEnumValueNumber: return .enumValueNumberReused
    case .reuseReservedEnumValue: return .reservedEnumValueReused
    case .removeRPC: return .rpcRemoved
    case .changeRPCRequest: return .rpcTypeChanged
    case .makeRPCClientStreaming, .makeRPCUnary: return .rpcStreamingChanged
    }
  }

  func apply(to set: inout Google_Protobuf_FileDescriptorSet) {
    switch self {
    case .renamePackage:
      // A rename also moves every type to new full names; those removals are reported too.
      set.file[0].package = "maac.sample.v2"
    case .removeMessage:
      set.file[0].messageType[0].nestedType.removeAll()
      SampleContracts.editSample(&set) { $0.field.removeAll { $0.number == 4 } }
      // Reserving the field keeps this to the one break under test.
      SampleContracts.editSample(&set) { $0.reservedRange.append(.with { $0.start = 4; $0.end = 5 }) }
    case .removeEnum:
      set.file[0].enumType.removeAll()
    case .removeService:
      set.file[0].service.removeAll()
    case .removeField:
      SampleContracts.editSample(&set) { $0.field.removeAll { $0.number == 2 } }
    case .retypeField:
      SampleContracts.editSample(&set) { $0.field[0].type = .string }
    case .makeFieldRepeated:
      SampleContracts.editSample(&set) { $0.field[1].label = .repeated }
    case .changeFieldMessageType:
      SampleContracts.editSample(&set) { $0.field[3].typeName = ".\(SampleContracts.package).Sample" }
    case .reuseFieldNumber:
      SampleContracts.editSample(&set) { $0.field[1].name = "title" }
    case .reuseReservedFieldNumber:
      SampleContracts.editSample(&set) { $0.field.append(SampleContracts.field("fresh", 10, .bool)) }
    case .removeEnumValue:
      set.file[0].enumType[0].value.removeAll { $0.number == 1 }
    case .reuseEnumValueNumber:
      set.file[0].enumType[0].value[1].name = "COLOR_GREEN"
    case .reuseReservedEnumValue:
      set.file[0].enumType[0].value.append(SampleContracts.value("COLOR_PINK", 7))
    case .removeRPC:
      set.file[0].service[0].method.removeAll { $0.name == "Get" }
    case .changeRPCRequest:
      set.file[0].service[0].method[0].inputType = ".\(SampleContracts.package).Sample.Nested"
    case .makeRPCClientStreaming:
      set.file[0].service[0].method[0].clientStreaming = true
    case .makeRPCUnary:
      set.file[0].service[0].method[1].serverStreaming = false
    }
  }
}
