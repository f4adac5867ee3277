/// Splits a stream of DATA bytes into gRPC messages (1-byte compressed flag, 4-byte big-endian
/// length, payload).
///
/// Payload bytes are copied once, straight from nghttp2's input buffer into the message's
/// array, which is sized from the prefix up front.
struct GRPCMessageDeframer {
  enum Failure: Error, Equatable {
    /// A message declared a length above the receiver's limit.
    case messageTooLarge(length: Int, limit: Int)
    /// The compressed flag was set but no message encoding was negotiated.
    case unexpectedCompression
  }

  private var header: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
  private var headerCount = 0
  private var message: [UInt8] = []
  private var remaining = 0
  private var inMessage = false
  let maxMessageSize: Int

  init(maxMessageSize: Int) {
    self.maxMessageSize = maxMessageSize
  }

  /// Whether a message has started but not yet completed (bad if the stream ends here).
  var hasPartialMessage: Bool {
    self.headerCount > 0 || self.inMessage
  }

  /// Feeds bytes; calls `onMessage` for each complete message.
  mutating func process(
    _ data: UnsafeRawBufferPointer,
    onMessage: ([UInt8]) -> Void
  ) throws(Failure) {
    var offset = 0
    let count = data.count
    while offset < count {
      if !self.inMessage {
        // Fast path: whole prefix available and nothing buffered.
        if self.headerCount == 0 && count - offset >= 5 {
          self.header = (
            data[offset], data[offset + 1], data[offset + 2], data[offset + 3], data[offset + 4]
          )
          self.headerCount = 5
          offset += 5
        } else {
          let byte = data[offset]
          offset += 1
          switch self.headerCount {
          case 0: self.header.0 = byte
          case 1: self.header.1 = byte
          case 2: self.header.2 = byte
          case 3: self.header.3 = byte
          default: self.header.4 = byte
          }
          self.headerCount += 1
          if self.headerCount < 5 { continue }
        }
        try self.beginMessage()
        if self.remaining == 0 {
          self.finishMessage(onMessage)
          continue
        }
      }
      let take = min(self.remaining, count - offset)
      self.message.append(
        contentsOf: UnsafeRawBufferPointer(rebasing: data[offset..<(offset + take)]))
      offset += take
      self.remaining -= take
      if self.remaining == 0 {
        self.finishMessage(onMessage)
      }
    }
  }

  private mutating func beginMessage() throws(Failure) {
    let flag = self.header.0
    let length =
      Int(self.header.1) << 24 | Int(self.header.2) << 16 | Int(self.header.3) << 8
      | Int(self.header.4)
    if flag != 0 {
      throw .unexpectedCompression
    }
    if length > self.maxMessageSize {
      throw .messageTooLarge(length: length, limit: self.maxMessageSize)
    }
    self.inMessage = true
    self.remaining = length
    self.message = []
    self.message.reserveCapacity(length)
  }

  private mutating func finishMessage(_ onMessage: ([UInt8]) -> Void) {
    let message = self.message
    self.message = []
    self.inMessage = false
    self.headerCount = 0
    onMessage(message)
  }
}
