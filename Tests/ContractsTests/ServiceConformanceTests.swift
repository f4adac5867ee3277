import AdminService
import CdhService
import ContactsService
import ContractsTestSupport
import EmailService
import GRPCCore
import GRPCInProcessTransport
import GRPCProtobuf
import JourneyService
import SegmentsService
import SwiftProtobuf
import TagsService
import Testing

/// The services one context's server registers.
struct ContextServices: Sendable, CustomTestStringConvertible {
  var context: String
  var services: @Sendable () -> [any RegistrableRPCService]
  var implementedMethods: Set<String>

  var testDescription: String { context }

  static let all: [ContextServices] = [
    .init(
      context: "contacts", services: ContactsServices.all,
      implementedMethods: ContactsServices.implementedMethods),
    .init(
      context: "cdh", services: CdhServices.all, implementedMethods: CdhServices.implementedMethods),
    .init(
      context: "tags", services: TagsServices.all,
      implementedMethods: TagsServices.implementedMethods),
    .init(
      context: "segments", services: SegmentsServices.all,
      implementedMethods: SegmentsServices.implementedMethods),
    .init(
      context: "journey", services: JourneyServices.all,
      implementedMethods: JourneyServices.implementedMethods),
    .init(
      context: "email", services: EmailServices.all,
      implementedMethods: EmailServices.implementedMethods),
    .init(
      context: "admin", services: AdminServices.all,
      implementedMethods: AdminServices.implementedMethods),
  ]
}

/// A method as the proto declares it.
struct ProtoMethod: Hashable, Sendable, CustomStringConvertible {
  var descriptor: MethodDescriptor
  var clientStreaming: Bool
  var serverStreaming: Bool

  var description: String { descriptor.fullyQualifiedMethod }

  static func rpcType(client: Bool, server: Bool) -> MethodDescriptor.RPCType {
    switch (client, server) {
    case (false, false): return .unary
    case (true, false): return .clientStreaming
    case (false, true): return .serverStreaming
    case (true, true): return .bidirectionalStreaming
    }
  }

  /// Every method of every service of `maac.<context>.v1`, read from the protos by protoc.
  static func of(context: String) throws -> [ProtoMethod] {
    let package = "maac.\(context).v1"
    return try ContractDescriptors.compileCurrent().file
      .filter { $0.package == package }
      .flatMap { file in
        file.service.flatMap { service in
          service.method.map { method in
            ProtoMethod(
              descriptor: MethodDescriptor(
                service: ServiceDescriptor(fullyQualifiedService: "\(package).\(service.name)"),
                method: method.name,
                type: rpcType(client: method.clientStreaming, server: method.serverStreaming)),
              clientStreaming: method.clientStreaming,
              serverStreaming: method.serverStreaming)
          }
        }
      }
  }
}

@Suite("Service conformance: every context's server serves exactly its proto services")
struct ServiceConformanceTests {
  /// MethodDescriptor carries the streaming kind (`type`), so comparing descriptors compares
  /// names and streaming kinds.
  @Test(
    "The registered methods are exactly the proto's methods, names and streaming kinds",
    arguments: ContextServices.all)
  func registeredMethodsMatchProtos(_ context: ContextServices) throws {
    let expected = Set(try ProtoMethod.of(context: context.context).map(\.descriptor))
    #expect(!expected.isEmpty, "maac.\(context.context).v1 declares no service")
    var router = RPCRouter<InProcessTransport.Server>()
    for service in context.services() {
      service.registerMethods(with: &router)
    }
    let registered = Set(router.methods)
    let missing = expected.subtracting(registered).map(Self.describe).sorted()
    let extra = registered.subtracting(expected).map(Self.describe).sorted()
    #expect(missing.isEmpty, "RPCs of the protos without a handler: \(missing)")
    #expect(extra.isEmpty, "handlers for RPCs the protos do not declare: \(extra)")
    #expect(router.count == expected.count)
  }

  @Test(
    "Every method answers a real call of its streaming kind; skeletons answer UNIMPLEMENTED",
    arguments: ContextServices.all)
  func realCallsReachTheHandlers(_ context: ContextServices) async throws {
    let methods = try ProtoMethod.of(context: context.context)
    let outcomes = try await Self.call(methods, on: context.services())
    for method in methods {
      let outcome = try #require(outcomes[method])
      if context.implementedMethods.contains(method.descriptor.fullyQualifiedMethod) {
        #expect(outcome.code != .unimplemented, "\(method) is listed as implemented")
      } else {
        #expect(outcome.code == .unimplemented, "\(method): \(outcome)")
        // Skeletons say "<Service>/<Method> is not implemented yet"; a service that fills in
        // part of its API may add which later part brings the rest.
        #expect(
          outcome.message.hasPrefix("\(method) is not implemented yet")
            || outcome.message.hasPrefix("\(method.descriptor.method) is not implemented yet"),
          "\(method): \(outcome)")
      }
    }
  }

  @Test("Every context whose protos declare services has a server here")
  func everyContextIsServed() throws {
    let packages = Set(
      try ContractDescriptors.compileCurrent().file
        .filter { $0.package.hasPrefix("maac.") && !$0.service.isEmpty }
        .map(\.package))
    let served = Set(ContextServices.all.map { "maac.\($0.context).v1" })
    #expect(packages == served)
  }

  @Test("A method no proto declares is refused differently from a skeleton method")
  func unknownMethodIsDistinguishable() async throws {
    let ghost = ProtoMethod(
      descriptor: MethodDescriptor(
        service: ServiceDescriptor(fullyQualifiedService: "maac.contacts.v1.Contacts"),
        method: "NoSuchMethod"),
      clientStreaming: false, serverStreaming: false)
    let outcomes = try await Self.call([ghost], on: ContactsServices.all())
    let outcome = try #require(outcomes[ghost])
    #expect(outcome.code == .unimplemented)
    #expect(outcome.message != "\(ghost) is not implemented yet")
  }

  static func describe(_ method: MethodDescriptor) -> String {
    "\(method.fullyQualifiedMethod) (\(method.type.map { "\($0)" } ?? "no kind"))"
  }

  /// How a call ended: the status code and message (`.ok` when it succeeded).
  struct Outcome: Sendable, CustomStringConvertible {
    var code: Status.Code
    var message: String
    var description: String { "\(code): \(message)" }
  }

  /// Serves `services` on an in-process transport and calls each method once, with an empty
  /// message (valid for every request type) sent the way its streaming kind demands.
  static func call(_ methods: [ProtoMethod], on services: [any RegistrableRPCService]) async throws
    -> [ProtoMethod: Outcome]
  {
    let transport = InProcessTransport()
    return try await withGRPCServer(transport: transport.server, services: services) { _ in
      try await withGRPCClient(transport: transport.client) { client in
        var outcomes: [ProtoMethod: Outcome] = [:]
        for method in methods {
          do {
            try await call(method, with: client)
            outcomes[method] = Outcome(code: .ok, message: "")
          } catch let error as RPCError {
            outcomes[method] = Outcome(code: Status.Code(error.code), message: error.message)
          }
        }
        return outcomes
      }
    }
  }

  static func call(_ method: ProtoMethod, with client: GRPCClient<InProcessTransport.Client>)
    async throws
  {
    let serializer = ProtobufSerializer<Google_Protobuf_Empty>()
    let deserializer = ProtobufDeserializer<Google_Protobuf_Empty>()
    let single = ClientRequest(message: Google_Protobuf_Empty())
    let stream = StreamingClientRequest<Google_Protobuf_Empty> { writer in
      try await writer.write(Google_Protobuf_Empty())
    }
    switch (method.clientStreaming, method.serverStreaming) {
    case (false, false):
      _ = try await client.unary(
        request: single, descriptor: method.descriptor, serializer: serializer,
        deserializer: deserializer, options: .defaults
      ) { try $0.message }
    case (true, false):
      _ = try await client.clientStreaming(
        request: stream, descriptor: method.descriptor, serializer: serializer,
        deserializer: deserializer, options: .defaults
      ) { try $0.message }
    case (false, true):
      try await client.serverStreaming(
        request: single, descriptor: method.descriptor, serializer: serializer,
        deserializer: deserializer, options: .defaults
      ) { response in
        for try await _ in response.messages {}
      }
    case (true, true):
      try await client.bidirectionalStreaming(
        request: stream, descriptor: method.descriptor, serializer: serializer,
        deserializer: deserializer, options: .defaults
      ) { response in
        for try await _ in response.messages {}
      }
    }
  }
}
