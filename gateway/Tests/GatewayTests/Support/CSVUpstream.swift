import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import MAACContracts
import ServiceKit
import Synchronization

/// A real gRPC server answering the contacts CSV RPCs (client- and server-streaming, which
/// ``TestUpstream``'s unary helpers don't cover): it records every uploaded byte and chunk
/// so a test can check what the gateway streamed.
final class CSVUpstream: Sendable {
  struct Recorded: Sendable {
    var uploads: [[UInt8]] = []
    var chunkSizes: [[Int]] = []
    var fileNames: [String] = []
    var createRequests: [Maac_Contacts_V1_CreateImportTaskRequest] = []
    var organizations: [Int64] = []
  }

  let address: HostAndPort
  private let box: Box
  private let server: GRPCServer<NGHTTP2ServerTransport>
  private let task: Task<Void, any Error>

  /// Export task 9 of org 1 is ready: its CSV is `exportCSV`, sent in 3 chunks.
  static let exportCSV = Array("id,email\n1,a@example.com\n2,b@example.com\n".utf8)

  private init(
    address: HostAndPort, box: Box, server: GRPCServer<NGHTTP2ServerTransport>,
    task: Task<Void, any Error>
  ) {
    self.address = address
    self.box = box
    self.server = server
    self.task = task
  }

  static func start() async throws -> CSVUpstream {
    let box = Box()
    let service = Service(box: box)
    let transport = NGHTTP2ServerTransport(
      address: .ipv4(host: "127.0.0.1", port: 0),
      config: .init(maxReceiveMessageSize: 2 << 20))
    let server = GRPCServer(transport: transport, services: [service])
    let task = Task { try await server.serve() }
    let port = try await transport.listeningAddress.port
    return CSVUpstream(
      address: HostAndPort(host: "127.0.0.1", port: port), box: box,
      server: server, task: task)
  }

  var snapshot: Recorded { box.value.withLock { $0 } }

  func stop() async {
    server.beginGracefulShutdown()
    task.cancel()
    _ = try? await task.value
  }

  /// Shares one recording between the service and the upstream handle.
  final class Box: Sendable {
    let value = Mutex(Recorded())
  }

  struct Service: RegistrableRPCService {
    let box: Box

    typealias Contacts = Maac_Contacts_V1_Contacts.Method

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
      router.registerHandler(
        forMethod: Contacts.UploadImportFile.descriptor,
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_FileChunk>(),
        serializer: ProtobufSerializer<Maac_Contacts_V1_UploadRef>()
      ) { request, _ in
        let caller = try CallerContext(metadata: request.metadata, organizationRequired: true)
        var bytes: [UInt8] = []
        var sizes: [Int] = []
        var fileName = ""
        for try await chunk in request.messages {
          if sizes.isEmpty { fileName = chunk.fileName }
          guard chunk.data.count <= 1 << 20 else {
            throw RPCError(code: .invalidArgument, message: "chunk over 1 MiB")
          }
          bytes.append(contentsOf: chunk.data)
          sizes.append(chunk.data.count)
        }
        guard !bytes.isEmpty else {
          throw ServiceError.invalidArgument(field: "file", "is empty")
        }
        box.value.withLock {
          $0.uploads.append(bytes)
          $0.chunkSizes.append(sizes)
          $0.fileNames.append(fileName)
          $0.organizations.append(caller.organizationID ?? 0)
        }
        var reference = Maac_Contacts_V1_UploadRef()
        reference.uploadID = 77
        reference.sizeBytes = Int64(bytes.count)
        return StreamingServerResponse(single: ServerResponse(message: reference))
      }
      router.registerHandler(
        forMethod: Contacts.CreateImportTask.descriptor,
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_CreateImportTaskRequest>(),
        serializer: ProtobufSerializer<Maac_Contacts_V1_ImportTask>()
      ) { request, _ in
        var message = Maac_Contacts_V1_CreateImportTaskRequest()
        for try await item in request.messages { message = item }
        box.value.withLock { $0.createRequests.append(message) }
        var task = Maac_Contacts_V1_ImportTask()
        task.taskID = 501
        // Echoed, so the tests see the answer's enums rendered in lower case.
        task.target = message.target
        task.key = message.key
        task.status = .pending
        return StreamingServerResponse(single: ServerResponse(message: task))
      }
      router.registerHandler(
        forMethod: Contacts.DownloadExport.descriptor,
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_GetExportTaskRequest>(),
        serializer: ProtobufSerializer<Maac_Contacts_V1_FileChunk>()
      ) { request, _ in
        let caller = try CallerContext(metadata: request.metadata, organizationRequired: true)
        var message = Maac_Contacts_V1_GetExportTaskRequest()
        for try await item in request.messages { message = item }
        if message.taskID == 10 {
          throw ServiceError.failedPrecondition("the export is still running")
        }
        if message.taskID == 11 {
          // Fails after the first chunk: the HTTP response is already under way.
          return StreamingServerResponse { writer in
            var chunk = Maac_Contacts_V1_FileChunk()
            chunk.data = Data("id,email\n".utf8)
            try await writer.write(chunk)
            throw RPCError(code: .internalError, message: "storage failed")
          }
        }
        guard message.taskID == 9, caller.organizationID == 1 else {
          throw ServiceError.notFound("export task", id: message.taskID)
        }
        return StreamingServerResponse { writer in
          let csv = CSVUpstream.exportCSV
          let third = csv.count / 3
          for range in [0..<third, third..<(2 * third), (2 * third)..<csv.count] {
            var chunk = Maac_Contacts_V1_FileChunk()
            chunk.data = Data(csv[range])
            try await writer.write(chunk)
          }
          return [:]
        }
      }
      router.registerHandler(
        forMethod: Contacts.GetImportTemplate.descriptor,
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_GetImportTemplateRequest>(),
        serializer: ProtobufSerializer<Maac_Contacts_V1_FileChunk>()
      ) { request, _ in
        var message = Maac_Contacts_V1_GetImportTemplateRequest()
        for try await item in request.messages { message = item }
        let target = message.target
        return StreamingServerResponse { writer in
          var chunk = Maac_Contacts_V1_FileChunk()
          chunk.data = Data("target=\(target.rawValue),email\n".utf8)
          try await writer.write(chunk)
          return [:]
        }
      }
    }
  }
}
