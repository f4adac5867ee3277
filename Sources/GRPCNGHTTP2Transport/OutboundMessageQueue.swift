/// A stream's outgoing gRPC messages, waiting for nghttp2 to ask for DATA.
///
/// Messages stay in the arrays the writer handed over; the 5-byte prefix is produced on the
/// fly. nghttp2's read callback copies straight from them into its frame buffer, so a sent
/// byte is copied once here (plus nghttp2's own copy out of `mem_send`).
struct OutboundMessageQueue {
  private var messages: [[UInt8]] = []
  private var head = 0
  /// Bytes of `messages[head]` (prefix included) already handed out.
  private var offset = 0
  private(set) var readableBytes = 0

  var isEmpty: Bool { self.readableBytes == 0 }

  mutating func append(_ message: [UInt8]) {
    self.messages.append(message)
    self.readableBytes += message.count + 5
  }

  /// Copies up to `buffer.count` bytes; returns how many.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    var written = 0
    while written < buffer.count && self.head < self.messages.count {
      let count = self.messages[self.head].count
      if self.offset < 5 {
        let prefix: (UInt8, UInt8, UInt8, UInt8, UInt8) = (
          0, UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
          UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)
        )
        withUnsafeBytes(of: prefix) { prefixBytes in
          let take = min(5 - self.offset, buffer.count - written)
          buffer.baseAddress!.advanced(by: written).copyMemory(
            from: prefixBytes.baseAddress!.advanced(by: self.offset),
            byteCount: take
          )
          written += take
          self.offset += take
        }
      }
      if self.offset >= 5 {
        let done = self.offset - 5
        let take = min(count - done, buffer.count - written)
        if take > 0 {
          self.messages[self.head].withUnsafeBytes { payload in
            buffer.baseAddress!.advanced(by: written).copyMemory(
              from: payload.baseAddress!.advanced(by: done),
              byteCount: take
            )
          }
          written += take
          self.offset += take
        }
        if self.offset == count + 5 {
          // Free the message now rather than when the whole queue drains.
          self.messages[self.head] = []
          self.head += 1
          self.offset = 0
        }
      }
    }
    if self.head == self.messages.count {
      self.messages.removeAll(keepingCapacity: true)
      self.head = 0
    }
    self.readableBytes -= written
    return written
  }

  /// Drops everything queued; returns how many bytes were dropped.
  @discardableResult
  mutating func removeAll() -> Int {
    let dropped = self.readableBytes
    self = OutboundMessageQueue()
    return dropped
  }
}
