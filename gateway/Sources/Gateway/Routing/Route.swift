import GRPCCore
import GRPCNGHTTP2Transport
import NIOHTTP1
import SwiftProtobuf

/// One row of the route table: an HTTP method and path template bound to one service RPC and
/// its request/response mapping (`gateway.md` §5).
public struct Route: Sendable {
  public var method: HTTPMethod
  public var template: PathTemplate
  public var family: RouteFamily
  /// The upstream's peer name (`MAAC_PEER`), e.g. `contacts`.
  public var upstream: String
  /// The RPC the route calls.
  public var rpc: MethodDescriptor
  /// Path parameters that must be positive int64 (G7).
  public var int64Parameters: Set<String>
  /// Token kinds besides `access` the route accepts (G4).
  public var extraTokenUses: Set<String>
  /// The upstream deadline (G12).
  public var timeout: Duration
  /// Whether a request body is read (JSON) or ignored (bodiless routes).
  public var acceptsBody: Bool
  /// The RPC's request and reply types, for a unary route.
  var requestType: (any SwiftProtobuf.Message.Type)? = nil
  var responseType: (any SwiftProtobuf.Message.Type)? = nil
  /// Builds the RPC request from the HTTP request, calls it, renders the response.
  var invoke: nonisolated(nonsending) @Sendable (RouteCall) async throws -> HTTPResult

  /// The template with `{name}` parameters, as the OpenAPI document lists it.
  public var path: String { template.description }
}

/// What a route's invocation needs: the HTTP side already decoded, the upstream client, and
/// the metadata carrying the verified caller.
struct RouteCall: Sendable {
  var body: [UInt8]
  var pathParameters: [String: String]
  var query: [(String, String)]
  var client: GRPCClient<NGHTTP2ClientTransport>
  /// ``client``'s transport: unary routes call it directly (no GRPCCore call machinery).
  var transport: NGHTTP2ClientTransport
  var metadata: Metadata
  var timeout: Duration
  /// The request's content type (the CSV upload reads its multipart boundary from it).
  var contentType: String? = nil
  /// The body of a streamed upload (G13), instead of ``body``.
  var bodyStream: RequestBodyStream? = nil
}

/// An HTTP answer before headers are added: status and an optional JSON body.
public struct HTTPResult: Sendable {
  public var status: HTTPResponseStatus
  public var body: [UInt8]?
  public var headers: [(String, String)]
  /// A body streamed after the headers (CSV downloads), instead of ``body``.
  public var bodyStream: ResponseBodyStream? = nil

  public init(status: HTTPResponseStatus, body: [UInt8]?, headers: [(String, String)] = []) {
    self.status = status
    self.body = body
    self.headers = headers
  }
}
