import NIOCore
import NIOPosix
import Synchronization

/// Plain TCP helpers for feeding a server bytes no HTTP/2 implementation would send.
enum RawSocket {
  /// The HTTP/2 client connection preface.
  static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  /// An empty SETTINGS frame.
  static let emptySettings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]

  /// Connects, writes `bytes`, then either closes at once or waits for the server to close.
  /// Returns the bytes the server sent back.
  @discardableResult
  static func send(
    _ bytes: [UInt8],
    host: String = "127.0.0.1",
    port: Int,
    closeImmediately: Bool
  ) async throws -> [UInt8] {
    let collector = ByteCollector()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(CollectingHandler(collector: collector))
        }
      }
      .connect(host: host, port: port).get()
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    if closeImmediately {
      try? await channel.close()
    } else {
      try await channel.closeFuture.get()
    }
    return collector.bytes
  }
}

/// Bytes received on some connection, readable from any thread.
final class ByteCollector: Sendable {
  private let storage = Mutex<[UInt8]>([])

  var bytes: [UInt8] { self.storage.withLock { $0 } }

  func append(_ bytes: some Sequence<UInt8>) {
    self.storage.withLock { $0.append(contentsOf: bytes) }
  }
}

final class CollectingHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  let collector: ByteCollector

  init(collector: ByteCollector) { self.collector = collector }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    self.collector.append(self.unwrapInboundIn(data).readableBytesView)
  }
}

/// Iterates the HTTP/2 frames in `bytes` (which must start at a frame boundary).
func http2FrameTypes(_ bytes: [UInt8]) -> [(type: UInt8, flags: UInt8)] {
  var frames: [(UInt8, UInt8)] = []
  var offset = 0
  while offset + 9 <= bytes.count {
    let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    frames.append((bytes[offset + 3], bytes[offset + 4]))
    offset += 9 + length
  }
  return frames
}

/// HTTP/2 frames built by hand (HPACK literals without Huffman), for sending partial or
/// malformed sequences.
enum HandcraftedFrames {
  static func frame(type: UInt8, flags: UInt8, streamID: UInt32, payload: [UInt8]) -> [UInt8] {
    let length = payload.count
    return [
      UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), type, flags,
      UInt8((streamID >> 24) & 0x7F), UInt8((streamID >> 16) & 0xFF), UInt8((streamID >> 8) & 0xFF),
      UInt8(streamID & 0xFF),
    ] + payload
  }

  private static func hpackInteger(_ value: Int, prefixBits: Int) -> [UInt8] {
    let max = (1 << prefixBits) - 1
    if value < max { return [UInt8(value)] }
    var bytes = [UInt8(max)]
    var rest = value - max
    while rest >= 128 {
      bytes.append(UInt8(rest % 128 + 128))
      rest /= 128
    }
    bytes.append(UInt8(rest))
    return bytes
  }

  static func headerBlock(_ fields: [(String, String)]) -> [UInt8] {
    var block: [UInt8] = []
    for (name, value) in fields {
      block.append(0x00)  // literal without indexing, new name
      block += hpackInteger(name.utf8.count, prefixBits: 7) + Array(name.utf8)
      block += hpackInteger(value.utf8.count, prefixBits: 7) + Array(value.utf8)
    }
    return block
  }

  static func headers(streamID: UInt32, endStream: Bool, fields: [(String, String)]) -> [UInt8] {
    frame(
      type: 1, flags: 0x4 | (endStream ? 0x1 : 0), streamID: streamID, payload: headerBlock(fields))
  }

  static func data(streamID: UInt32, endStream: Bool, payload: [UInt8]) -> [UInt8] {
    frame(type: 0, flags: endStream ? 0x1 : 0, streamID: streamID, payload: payload)
  }

  static func rstStream(streamID: UInt32, errorCode: UInt32) -> [UInt8] {
    frame(
      type: 3,
      flags: 0,
      streamID: streamID,
      payload: [
        UInt8(errorCode >> 24), UInt8((errorCode >> 16) & 0xFF), UInt8((errorCode >> 8) & 0xFF),
        UInt8(errorCode & 0xFF),
      ]
    )
  }
}

/// A long-lived plain TCP connection that writes whatever it is given.
struct RawConnection: Sendable {
  let channel: any Channel
  let collector: ByteCollector

  static func open(host: String = "127.0.0.1", port: Int) async throws -> RawConnection {
    let collector = ByteCollector()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(CollectingHandler(collector: collector))
        }
      }
      .connect(host: host, port: port).get()
    return RawConnection(channel: channel, collector: collector)
  }

  func write(_ bytes: [UInt8]) async throws {
    try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
  }

  func close() async {
    try? await self.channel.close()
  }

  /// Waits for the server to close, then returns everything it sent.
  func receivedUntilClose() async throws -> [UInt8] {
    try await self.channel.closeFuture.get()
    return try await self.channel.eventLoop.submit { self.collector.bytes }.get()
  }
}

/// The HTTP/2 frames in `bytes` with their payloads.
func http2Frames(_ bytes: [UInt8]) -> [(
  type: UInt8, flags: UInt8, streamID: UInt32, payload: [UInt8]
)] {
  var frames: [(UInt8, UInt8, UInt32, [UInt8])] = []
  var offset = 0
  while offset + 9 <= bytes.count {
    let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    let streamID =
      UInt32(bytes[offset + 5] & 0x7F) << 24 | UInt32(bytes[offset + 6]) << 16
      | UInt32(bytes[offset + 7]) << 8 | UInt32(bytes[offset + 8])
    let end = min(bytes.count, offset + 9 + length)
    frames.append(
      (bytes[offset + 3], bytes[offset + 4], streamID, Array(bytes[(offset + 9)..<end])))
    offset += 9 + length
  }
  return frames
}
