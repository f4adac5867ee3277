import GRPCCore
import GRPCProtobuf
import MAACContracts
import NIOHTTP1
import SwiftProtobuf

extension Route {
  /// A route answering `text/csv` from a server-streaming RPC of `FileChunk`s (the contacts
  /// export file, import failure report and import template, `contacts.md` §5.2).
  ///
  /// The response starts with the first chunk and streams the rest (chunked over HTTP/1.1),
  /// so an RPC failure before any data is rendered as the family's JSON error with its
  /// status; a failure later cuts the response short (the connection is closed).
  static func csvDownload<Request: SwiftProtobuf.Message & Sendable>(
    _ template: String,
    upstream: String,
    rpc: MethodDescriptor,
    request: Request.Type,
    mapping: RequestMapping = RequestMapping(),
    pathEnums: [String: String] = [:],
    filename: @escaping @Sendable ([String: String]) -> String
  ) -> Route {
    let path = PathTemplate(template)
    let int64 = Set(path.parameterNames.filter { $0.hasSuffix("_id") })
    return Route(
      method: .GET, template: path, family: .contacts, upstream: upstream, rpc: rpc,
      int64Parameters: int64, extraTokenUses: [], timeout: .seconds(600), acceptsBody: false
    ) { call in
      // A path value naming an enum (`/import-templates/line`) becomes its proto name.
      var path = call.pathParameters
      for (name, prefix) in pathEnums {
        if let value = path[name] { path[name] = prefix + value.uppercased() }
      }
      let json = try mapping.json(body: [], path: path, query: call.query, repeatedQuery: [])
      let message: Request
      do {
        message = try Request(jsonUTF8Data: json, options: Route.jsonDecoding)
      } catch {
        throw HTTPInputError(field: "path", reason: "does not match the request schema (\(error))")
      }
      var options = CallOptions.defaults
      options.timeout = call.timeout
      options.waitForReady = false
      let callOptions = options
      let client = call.client
      let metadata = call.metadata
      let body = ResponseBodyStream()
      // The RPC runs on its own task and hands chunks over one at a time; the response starts
      // after the first chunk, so a failure before it (not found, not ready, expired) is
      // still rendered as the family's JSON error.
      let rpc = Task {
        do {
          try await client.serverStreaming(
            request: ClientRequest(message: message, metadata: metadata),
            descriptor: rpc,
            serializer: ProtobufSerializer<Request>(),
            deserializer: ProtobufDeserializer<Maac_Contacts_V1_FileChunk>(),
            options: callOptions
          ) { response in
            for try await chunk in response.messages { await body.send([UInt8](chunk.data)) }
          }
          body.finish()
        } catch {
          body.finish(error: error)
        }
      }
      let first: [UInt8]?
      do {
        first = try await withTaskCancellationHandler {
          try await body.next()
        } onCancel: {
          rpc.cancel()
        }
      } catch {
        rpc.cancel()
        throw error
      }
      body.setOnCancel { rpc.cancel() }
      if let first { body.unread(first) }
      var result = HTTPResult(
        status: .ok, body: [],
        headers: [
          ("content-type", "text/csv; charset=utf-8"),
          ("content-disposition", "attachment; filename=\"\(filename(call.pathParameters))\""),
        ])
      result.bodyStream = body
      return result
    }
  }
}
