import NIOHTTP1

/// A complete HTTP response, headers included.
public struct HTTPResponse: Sendable {
  public var status: HTTPResponseStatus
  public var headers: [(String, String)]
  public var body: [UInt8]
  /// Sent after the headers as it is produced (then ``body`` is empty).
  public var bodyStream: ResponseBodyStream? = nil
}
