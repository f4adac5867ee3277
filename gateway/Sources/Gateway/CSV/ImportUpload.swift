import Foundation
import GRPCCore
import GRPCProtobuf
import MAACContracts
import Synchronization

/// `POST /api/member/v1/imports` (`contacts.md` §5.2, `gateway.md` G13): a
/// `multipart/form-data` upload is streamed part by part to `UploadImportFile` (chunks of at
/// most 1 MiB, at most 100 MiB in total) and then `CreateImportTask` is called with the form
/// fields and the upload id; an `application/json` body (rows, ≤ 1 MiB) goes straight to
/// `CreateImportTask`.
enum ImportUpload {
  static let maxUploadBytes = 100 << 20
  static let maxJSONBytes = 1 << 20
  /// Bytes per `FileChunk` sent upstream.
  static let chunkBytes = 256 << 10
  /// The form fields besides `file`, with their request field and enum prefix.
  static let formFields: [String: (field: String, enumPrefix: String?)] = [
    "target": ("target", "IMPORT_TARGET_"), "channel_id": ("channel_id", nil),
    "key": ("key", "IMPORT_KEY_"), "default_country": ("default_country", nil),
    "idempotency_key": ("idempotency_key", nil),
  ]
  static let maxFieldBytes = 4096

  typealias Contacts = Maac_Contacts_V1_Contacts.Method

  nonisolated(nonsending) static func invoke(_ call: RouteCall) async throws -> HTTPResult {
    guard let stream = call.bodyStream else {
      throw HTTPInputError(field: "body", reason: "is required")
    }
    let contentType = call.contentType ?? ""
    var fields: [String: Any]
    if contentType.lowercased().hasPrefix("application/json") {
      fields = try await jsonFields(stream)
    } else if let boundary = MultipartParser.boundary(fromContentType: contentType) {
      fields = try await upload(stream, boundary: boundary, call: call)
    } else {
      throw HTTPInputError(
        field: "content-type",
        reason: "must be multipart/form-data (with a boundary) or application/json")
    }
    let json = try JSONSerialization.data(withJSONObject: fields)
    let request: Maac_Contacts_V1_CreateImportTaskRequest
    do {
      request = try Maac_Contacts_V1_CreateImportTaskRequest(
        jsonUTF8Data: json, options: Route.jsonDecoding)
    } catch {
      throw HTTPInputError(field: "body", reason: "does not match the import request (\(error))")
    }
    var options = CallOptions.defaults
    options.timeout = call.timeout
    options.waitForReady = false
    let task = try await call.client.unary(
      request: ClientRequest(message: request, metadata: call.metadata),
      descriptor: Contacts.CreateImportTask.descriptor,
      serializer: ProtobufSerializer<Maac_Contacts_V1_CreateImportTaskRequest>(),
      deserializer: ProtobufDeserializer<Maac_Contacts_V1_ImportTask>(),
      options: options
    ) { try $0.message }
    // Lower-case enum names, like GET /imports/{task_id} (`contacts.md` §5).
    return ResponseMapping.message.render(
      try task.jsonUTF8Bytes(options: Route.jsonEncoding), enums: EnumFields.importTask,
      status: .accepted)
  }

  /// What the streamed form carried besides the file.
  private final class Form: Sendable {
    struct State {
      var fields: [String: String] = [:]
      var sawFile = false
      var failure: (any Error)?
    }
    let state = Mutex(State())
  }

  /// Streams the `file` part to `UploadImportFile`; returns the other fields plus `upload_id`.
  private static func upload(_ stream: RequestBodyStream, boundary: String, call: RouteCall)
    async throws -> [String: Any]
  {
    let form = Form()
    var options = CallOptions.defaults
    // 100 MiB at a slow client's pace: the upload gets minutes, not the 10 s of a read.
    options.timeout = max(call.timeout, .seconds(600))
    options.waitForReady = false
    let reference: Maac_Contacts_V1_UploadRef
    do {
      reference = try await call.client.clientStreaming(
        request: StreamingClientRequest(
          of: Maac_Contacts_V1_FileChunk.self, metadata: call.metadata
        ) { writer in
          do {
            try await parse(stream, boundary: boundary, form: form, writer: writer)
          } catch {
            form.state.withLock { $0.failure = error }
            throw error
          }
        },
        descriptor: Contacts.UploadImportFile.descriptor,
        serializer: ProtobufSerializer<Maac_Contacts_V1_FileChunk>(),
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_UploadRef>(),
        options: options
      ) { try $0.message }
    } catch {
      // A refusal of the gateway's own (413, malformed form) wins over how the RPC ended.
      if let failure = form.state.withLock({ $0.failure }) { throw failure }
      throw error
    }
    let (fields, sawFile) = form.state.withLock { ($0.fields, $0.sawFile) }
    guard sawFile else {
      throw HTTPInputError(field: "file", reason: "is required (a part named file)")
    }
    var result: [String: Any] = fields
    result["upload_id"] = String(reference.uploadID)
    return result
  }

  private static func parse(
    _ stream: RequestBodyStream, boundary: String, form: Form,
    writer: RPCWriter<Maac_Contacts_V1_FileChunk>
  ) async throws {
    var parser = MultipartParser(boundary: boundary)
    var total = 0
    var current: String?
    var inFile = false
    var fileName: String?
    var firstChunk = true
    var pending: [UInt8] = []
    var value: [UInt8] = []
    func send(_ bytes: [UInt8]) async throws {
      var chunk = Maac_Contacts_V1_FileChunk()
      chunk.data = Data(bytes)
      if firstChunk, let fileName { chunk.fileName = fileName }
      firstChunk = false
      try await writer.write(chunk)
    }
    for try await bytes in stream {
      total += bytes.count
      guard total <= maxUploadBytes + 64 * 1024 else {
        throw PayloadTooLarge(message: "The upload exceeds 100 MiB")
      }
      let events: [MultipartParser.Event]
      do {
        events = try parser.feed(bytes)
      } catch {
        throw HTTPInputError(field: "body", reason: "is not valid multipart/form-data: \(error)")
      }
      for event in events {
        switch event {
        case .partStart(let name, let filename, _):
          if name == "file" {
            guard !form.state.withLock({ $0.sawFile }) else {
              throw HTTPInputError(field: "file", reason: "appears more than once")
            }
            form.state.withLock { $0.sawFile = true }
            inFile = true
            fileName = filename
          } else {
            guard formFields[name] != nil else {
              throw HTTPInputError(field: name, reason: "is not a field of the import form")
            }
            current = name
            value = []
          }
        case .data(let bytes):
          if inFile {
            pending.append(contentsOf: bytes)
            while pending.count >= chunkBytes {
              try await send(Array(pending.prefix(chunkBytes)))
              pending.removeFirst(chunkBytes)
            }
          } else {
            value.append(contentsOf: bytes)
            guard value.count <= maxFieldBytes else {
              throw HTTPInputError(field: current ?? "form", reason: "is longer than 4 KiB")
            }
          }
        case .partEnd:
          if inFile {
            if !pending.isEmpty || firstChunk { try await send(pending) }
            pending = []
            inFile = false
          } else if let name = current, let spec = formFields[name] {
            let text = String(decoding: value, as: UTF8.self).trimmingSpaces()
            let mapped = spec.enumPrefix.map { $0 + text.uppercased() } ?? text
            form.state.withLock { $0.fields[spec.field] = mapped }
            current = nil
          }
        }
      }
    }
    do {
      try parser.finish()
    } catch {
      throw HTTPInputError(field: "body", reason: "is not valid multipart/form-data: \(error)")
    }
  }

  /// The JSON variant: `{"target","channel_id","key","default_country","columns","rows"}`.
  private static func jsonFields(_ stream: RequestBodyStream) async throws -> [String: Any] {
    var body: [UInt8] = []
    for try await bytes in stream {
      body.append(contentsOf: bytes)
      guard body.count <= maxJSONBytes else {
        throw PayloadTooLarge(message: "Request body exceeds 1 MiB")
      }
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
    else {
      throw HTTPInputError(field: "body", reason: "must be a JSON object")
    }
    var fields: [String: Any] = [:]
    for (key, value) in object {
      if let spec = formFields[key] {
        if let prefix = spec.enumPrefix, let text = value as? String {
          fields[spec.field] = prefix + text.uppercased()
        } else {
          fields[spec.field] = value
        }
      } else if key != "columns", key != "rows" {
        throw HTTPInputError(field: key, reason: "is not a field of the import request")
      }
    }
    let rows = (object["rows"] as? [[String: Any]] ?? []).map { row in
      ["cells": row.mapValues { cell in cell as? String ?? "\(cell)" }]
    }
    fields["rows"] = ["columns": object["columns"] ?? [], "rows": rows]
    return fields
  }
}
