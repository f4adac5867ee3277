internal import NIOCore

/// The state of one non-gRPC request on a server connection: its buffered body, the
/// responder's task and the response body nghttp2 reads as DATA.
///
/// Touched only on the connection's event loop (like ``ServerStream``'s other fields); the
/// responder's task gets copies.
final class PlainExchange {
  private(set) var body: [UInt8] = []
  private(set) var tooLarge = false
  var task: Task<Void, Never>?
  private var response: [UInt8] = []
  private var responseOffset = 0

  /// Appends a DATA chunk unless the body would exceed `limit`, in which case the body is
  /// dropped and only its size is tracked.
  func receive(_ data: UnsafeRawBufferPointer, limit: Int) {
    guard !self.tooLarge else { return }
    if self.body.count + data.count > limit {
      self.tooLarge = true
      self.body = []
    } else {
      self.body.append(contentsOf: data)
    }
  }

  /// Hands the body over (the exchange no longer needs it).
  func takeBody() -> [UInt8] {
    defer { self.body = [] }
    return self.body
  }

  func setResponse(_ body: [UInt8]) {
    self.response = body
    self.responseOffset = 0
  }

  var responseFullyRead: Bool { self.responseOffset >= self.response.count }

  /// Copies the next part of the response body into nghttp2's frame buffer.
  func readResponse(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let count = min(buffer.count, self.response.count - self.responseOffset)
    guard count > 0 else { return 0 }
    self.response.withUnsafeBytes { bytes in
      buffer.baseAddress!.copyMemory(
        from: bytes.baseAddress! + self.responseOffset, byteCount: count)
    }
    self.responseOffset += count
    if self.responseFullyRead { self.response = [] }
    return count
  }
}
