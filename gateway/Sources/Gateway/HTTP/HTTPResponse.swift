import NIOHTTP1

/// A complete HTTP response, headers included.
public struct HTTPResponse: Sendable {
  public var status: HTTPResponseStatus
  public var headers: [(String, String)]
  public var body: [UInt8]
}
