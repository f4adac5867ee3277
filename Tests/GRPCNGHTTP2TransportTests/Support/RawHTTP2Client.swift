import CNGHTTP2
import NIOCore
import NIOPosix

@testable import GRPCNGHTTP2Transport

/// What a raw HTTP/2 stream received.
struct RawStreamResult: Sendable {
  /// Each HEADERS block, in order, as (name, value) pairs.
  var headerBlocks: [[(name: String, value: String)]] = []
  /// DATA payload.
  var data: [UInt8] = []
  /// RST_STREAM / close code (0 = NO_ERROR).
  var closeCode: UInt32 = 0

  func value(_ name: String, block: Int = 0) -> String? {
    guard block < self.headerBlocks.count else { return nil }
    return self.headerBlocks[block].first(where: { $0.name == name })?.value
  }
}

/// A bare HTTP/2 client (its own nghttp2 session, no gRPC logic) for sending requests a gRPC
/// client never would and reading back exactly what the server put on the wire.
final class RawHTTP2Client: Sendable {
  private let channel: any Channel
  private let handler: NIOLoopBound<RawHTTP2Handler>

  private init(channel: any Channel, handler: NIOLoopBound<RawHTTP2Handler>) {
    self.channel = channel
    self.handler = handler
  }

  static func connect(host: String = "127.0.0.1", port: Int) async throws -> RawHTTP2Client {
    let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
    let handler = try await eventLoop.submit {
      NIOLoopBound(RawHTTP2Handler(), eventLoop: eventLoop)
    }.get()
    let channel = try await ClientBootstrap(group: eventLoop)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(handler.value)
        }
      }
      .connect(host: host, port: port).get()
    return RawHTTP2Client(channel: channel, handler: handler)
  }

  /// Sends a request; returns once the stream has closed.
  func request(_ headers: [(String, String)], body: [UInt8]? = nil) async throws -> RawStreamResult
  {
    let handler = self.handler
    let future = try await self.channel.eventLoop.submit {
      handler.value.submit(headers: headers, body: body)
    }.get()
    return try await future.get()
  }

  /// PING frames (not ACKs) the server has sent so far.
  var pingsReceived: Int {
    get async throws {
      let handler = self.handler
      return try await self.channel.eventLoop.submit { handler.value.pings }.get()
    }
  }

  /// Completes when the server closes the connection; returns whether a GOAWAY came first.
  func waitForClose() async throws -> Bool {
    try await self.channel.closeFuture.get()
    let handler = self.handler
    return try await self.channel.eventLoop.submit { handler.value.goAwayReceived }.get()
  }

  func close() async {
    try? await self.channel.close()
  }

  /// gRPC's 5-byte length prefix around `message`.
  static func frame(_ message: [UInt8]) -> [UInt8] {
    let count = UInt32(message.count)
    return [
      0, UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
      UInt8(count & 0xFF),
    ] + message
  }

  static func grpcRequest(
    path: String,
    contentType: String? = "application/grpc",
    method: String = "POST",
    extra: [(String, String)] = []
  ) -> [(String, String)] {
    var headers = [
      (":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost"),
    ]
    if let contentType { headers.append(("content-type", contentType)) }
    headers.append(("te", "trailers"))
    return headers + extra
  }
}

final class RawHTTP2Handler: ChannelInboundHandler, NGHTTP2SessionDelegate {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private var session: NGHTTP2Session!
  private var context: ChannelHandlerContext?
  private var results: [Int32: RawStreamResult] = [:]
  private var promises: [Int32: EventLoopPromise<RawStreamResult>] = [:]
  private var bodies: [Int32: [UInt8]] = [:]
  private(set) var pings = 0
  private(set) var goAwayReceived = false

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.session = NGHTTP2Session(role: .client, delegate: self)
    self.session.submitSettings(
      .init(
        maxConcurrentStreams: nil, initialWindowSize: 1 << 20, maxHeaderListSize: 1 << 16,
        connectionWindowSize: 1 << 24)
    )
    if context.channel.isActive { self.flush() }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.flush()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    _ = self.session.receive(self.unwrapInboundIn(data))
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    self.flush()
  }

  func channelInactive(context: ChannelHandlerContext) {
    for (id, promise) in self.promises {
      var result = self.results[id] ?? RawStreamResult()
      result.closeCode = UInt32.max
      promise.succeed(result)
    }
    self.promises = [:]
  }

  private func flush() {
    guard let context else { return }
    var buffer = context.channel.allocator.buffer(capacity: 1024)
    _ = self.session.drain(into: &buffer)
    if buffer.readableBytes > 0 {
      context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }
  }

  func submit(headers: [(String, String)], body: [UInt8]?) -> EventLoopFuture<RawStreamResult> {
    var block = HeaderBlock()
    for (name, value) in headers { block.add(name, value) }
    var provider = self.session.dataProvider
    let id = block.withNameValuePairs { nva, count in
      if body == nil {
        return nghttp2_submit_request(self.session.pointer, nil, nva, count, nil, nil)
      }
      return nghttp2_submit_request(self.session.pointer, nil, nva, count, &provider, nil)
    }
    let promise = self.context!.eventLoop.makePromise(of: RawStreamResult.self)
    guard id > 0 else {
      promise.fail(ChannelError.inappropriateOperationForState)
      return promise.futureResult
    }
    if let body { self.bodies[id] = body }
    self.promises[id] = promise
    self.results[id] = RawStreamResult()
    self.flush()
    return promise.futureResult
  }

  func sessionBeginHeaders(streamID: Int32, category: nghttp2_headers_category) -> Int32 {
    self.results[streamID]?.headerBlocks.append([])
    return 0
  }

  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    -> Int32
  {
    guard var result = self.results[streamID], !result.headerBlocks.isEmpty else { return 0 }
    result.headerBlocks[result.headerBlocks.count - 1].append(
      (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    )
    self.results[streamID] = result
    return 0
  }

  func sessionFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
    let header = frame.pointee.hd
    if UInt32(header.type) == NGHTTP2_PING.rawValue
      && header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0
    {
      self.pings += 1
    }
    if UInt32(header.type) == NGHTTP2_GOAWAY.rawValue {
      self.goAwayReceived = true
    }
    return 0
  }

  func sessionDataChunk(streamID: Int32, data: UnsafeRawBufferPointer) -> Int32 {
    self.results[streamID]?.data.append(contentsOf: data)
    self.session.consumeConnection(data.count)
    self.session.consumeStream(streamID, data.count)
    return 0
  }

  func sessionStreamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
    var result = self.results.removeValue(forKey: streamID) ?? RawStreamResult()
    result.closeCode = errorCode
    self.promises.removeValue(forKey: streamID)?.succeed(result)
    return 0
  }

  func sessionReadData(
    streamID: Int32,
    into buffer: UnsafeMutableRawBufferPointer,
    flags: UnsafeMutablePointer<UInt32>
  ) -> Int {
    var body = self.bodies[streamID] ?? []
    let count = min(body.count, buffer.count)
    body.withUnsafeBytes {
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count]))
    }
    body.removeFirst(count)
    self.bodies[streamID] = body
    if body.isEmpty { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
    return count
  }

  func sessionFrameSent(_ frame: UnsafePointer<nghttp2_frame>) {}
}
