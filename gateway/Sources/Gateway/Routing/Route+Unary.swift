import Foundation
import GRPCCore
import GRPCProtobuf
import NIOHTTP1
import SwiftProtobuf

extension Route {
  static let jsonDecoding: JSONDecodingOptions = {
    var options = JSONDecodingOptions()
    options.ignoreUnknownFields = false
    return options
  }()
  static let jsonEncoding: JSONEncodingOptions = {
    var options = JSONEncodingOptions()
    options.preserveProtoFieldNames = true
    options.alwaysPrintInt64sAsNumbers = true
    return options
  }()

  /// A route calling a unary RPC, mapping JSON ↔ protobuf through swift-protobuf's JSON mapping
  /// (the reply written by ``ProtoJSONTranscoder`` straight from its wire bytes, with the same
  /// output); `responseEnums` are the response's enum fields, written as lower-case names.
  public static func unary<
    Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable
  >(
    _ method: HTTPMethod,
    _ template: String,
    family: RouteFamily,
    upstream: String,
    rpc: MethodDescriptor,
    request: Request.Type,
    response: Response.Type,
    mapping: RequestMapping = RequestMapping(),
    repeatedQuery: Set<String> = [],
    render: ResponseMapping = .message,
    responseEnums: EnumPaths = [:],
    responseRenames: [String: String] = [:],
    responseEmpties: Set<String> = [],
    status: HTTPResponseStatus = .ok,
    extraTokenUses: Set<String> = [],
    timeout: Duration = .seconds(10)
  ) -> Route {
    let path = PathTemplate(template)
    let int64 = Set(path.parameterNames.filter { $0.hasSuffix("_id") })
    let acceptsBody: Bool = if case .none = mapping.body { false } else { true }
    let requestEncoder = ProtoRequestEncoder(messageNamed: Request.protoMessageName)
    let transcoder = ProtoJSONTranscoder(messageNamed: Response.protoMessageName)
    return Route(
      method: method, template: path, family: family, upstream: upstream, rpc: rpc,
      int64Parameters: int64, extraTokenUses: extraTokenUses, timeout: timeout,
      acceptsBody: acceptsBody, requestType: Request.self, responseType: Response.self
    ) { call in
      let requestBytes: [UInt8]
      switch try mapping.encoded(
        body: call.body, path: call.pathParameters, query: call.query, repeatedQuery: repeatedQuery,
        encoder: requestEncoder)
      {
      case .binary(let bytes):
        requestBytes = bytes
      case .json(let json):
        let message: Request
        do {
          message = try Request(jsonUTF8Data: json, options: Route.jsonDecoding)
        } catch {
          throw HTTPInputError(
            field: "body", reason: "does not match the request schema (\(error))")
        }
        requestBytes = try message.serializedBytes()
      }
      // The lean unary path of the transport: the same statuses and errors as GRPCClient's
      // unary call, without its per-call tasks and timer (most of the gateway's CPU per call).
      let answer = try await call.transport.unary(
        descriptor: rpc, metadata: call.metadata, message: requestBytes,
        timeout: call.timeout)
      let replyJSON: [UInt8]
      if let transcoded = transcoder?.json(answer.message) {
        replyJSON = transcoded
      } else {
        // What the transcoder leaves to swift-protobuf, including every malformed reply.
        let reply: Response
        do {
          reply = try Response(serializedBytes: answer.message)
        } catch {
          throw RPCError(
            code: .internalError, message: "Can't deserialize the \(Response.self) response.",
            cause: error)
        }
        replyJSON = try reply.jsonUTF8Bytes(options: Route.jsonEncoding)
      }
      return render.render(
        replyJSON, enums: responseEnums, renames: responseRenames, empties: responseEmpties,
        status: status)
    }
  }
}
