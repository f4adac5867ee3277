import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import ServiceKit
import SwiftProtobuf
import Synchronization

/// A real gRPC server (GRPCServer over the nghttp2 transport on a loopback port) answering a
/// few methods of a generated service with small test handlers. It stands in for services
/// not yet in `main`; it is a test double of the *service*, never of the transport.
final class TestUpstream: Sendable {
  let address: HostAndPort
  private let server: GRPCServer<NGHTTP2ServerTransport>
  private let task: Task<Void, any Error>
  /// The caller metadata of every call received, in order.
  let received = Mutex<[Metadata]>([])

  private init(
    address: HostAndPort, server: GRPCServer<NGHTTP2ServerTransport>, task: Task<Void, any Error>
  ) {
    self.address = address
    self.server = server
    self.task = task
  }

  var callCount: Int { received.withLock { $0.count } }
  var lastMetadata: Metadata? { received.withLock { $0.last } }

  /// Starts serving `methods` on a free port.
  /// - Parameter organizationRequired: whether calls without `x-maac-org-id` are refused
  ///   (service callers such as the gateway's GQ6 lookup carry none).
  static func start(_ methods: [any TestMethod], organizationRequired: Bool = true) async throws
    -> TestUpstream
  {
    let recorder = Recorder(organizationRequired: organizationRequired)
    let transport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
    let server = GRPCServer(
      transport: transport, services: [TestService(methods: methods, recorder: recorder)])
    let task = Task { try await server.serve() }
    let listening = try await transport.listeningAddress
    let upstream = TestUpstream(
      address: HostAndPort(host: "127.0.0.1", port: listening.port), server: server, task: task)
    recorder.sink.withLock { $0 = upstream }
    return upstream
  }

  func stop() async {
    server.beginGracefulShutdown()
    task.cancel()
    _ = try? await task.value
  }

  final class Recorder: Sendable {
    let sink = Mutex<TestUpstream?>(nil)
    let organizationRequired: Bool
    init(organizationRequired: Bool) { self.organizationRequired = organizationRequired }
    func record(_ metadata: Metadata) {
      let upstream = sink.withLock { $0 }
      upstream?.received.withLock { $0.append(metadata) }
    }
  }

  struct TestService: RegistrableRPCService {
    let methods: [any TestMethod]
    let recorder: Recorder
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
      for method in methods { method.register(with: &router, recorder: recorder) }
    }
  }
}

/// One method a ``TestUpstream`` answers.
protocol TestMethod: Sendable {
  func register<Transport: ServerTransport>(
    with router: inout RPCRouter<Transport>, recorder: TestUpstream.Recorder)
}

/// A unary method answered by `body`, which gets the request and the caller (parsed from the
/// metadata as services do, through ServiceKit's ``CallerContext``).
struct Unary<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>:
  TestMethod
{
  let descriptor: MethodDescriptor
  let body: @Sendable (Request, CallerContext) async throws -> Response

  init(
    _ descriptor: MethodDescriptor, _ request: Request.Type = Request.self,
    _ response: Response.Type = Response.self,
    body: @escaping @Sendable (Request, CallerContext) async throws -> Response
  ) {
    self.descriptor = descriptor
    self.body = body
  }

  func register<Transport: ServerTransport>(
    with router: inout RPCRouter<Transport>, recorder: TestUpstream.Recorder
  ) {
    let body = self.body
    router.registerHandler(
      forMethod: descriptor, deserializer: ProtobufDeserializer<Request>(),
      serializer: ProtobufSerializer<Response>()
    ) { request, context in
      recorder.record(request.metadata)
      let caller = try CallerContext(
        metadata: request.metadata, organizationRequired: recorder.organizationRequired)
      var message: Request?
      for try await item in request.messages { message = item }
      guard let message else {
        throw RPCError(code: .invalidArgument, message: "no request message")
      }
      let response = try await body(message, caller)
      return StreamingServerResponse(single: ServerResponse(message: response))
    }
  }
}
