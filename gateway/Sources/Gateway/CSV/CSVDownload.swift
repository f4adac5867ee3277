import GRPCCore
import GRPCProtobuf
import MAACContracts
import NIOHTTP1
import SwiftProtobuf

extension Route {
  /// A route answering `text/csv` from a server-streaming RPC of `FileChunk`s (the contacts
  /// export file, import failure report and import template, `contacts.md` §5.2).
  ///
  /// The chunks are gathered before the response starts, so an RPC failure (not found, not
  /// ready, expired) is still rendered as the family's JSON error with its status.
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
      int64Parameters: int64, extraTokenUses: [], timeout: .seconds(60), acceptsBody: false
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
      let csv = try await call.client.serverStreaming(
        request: ClientRequest(message: message, metadata: call.metadata),
        descriptor: rpc,
        serializer: ProtobufSerializer<Request>(),
        deserializer: ProtobufDeserializer<Maac_Contacts_V1_FileChunk>(),
        options: options
      ) { response in
        var bytes: [UInt8] = []
        for try await chunk in response.messages { bytes.append(contentsOf: chunk.data) }
        return bytes
      }
      return HTTPResult(
        status: .ok, body: csv,
        headers: [
          ("content-type", "text/csv; charset=utf-8"),
          ("content-disposition", "attachment; filename=\"\(filename(call.pathParameters))\""),
        ])
    }
  }
}
