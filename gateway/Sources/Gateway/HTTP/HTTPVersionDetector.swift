import NIOCore

/// Tells HTTP/1.1 from HTTP/2 with prior knowledge (h2c) on a freshly accepted connection by
/// its first bytes: HTTP/2 starts with the 24-byte connection preface
/// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4), which no HTTP/1.1 request can start
/// with.
///
/// Once decided it lets `configure` build the rest of the pipeline behind itself, re-fires the
/// bytes it held and removes itself, so the chosen protocol sees the connection from its first
/// byte and the detector costs nothing afterwards.
final class HTTPVersionDetector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  enum Version: Sendable {
    case http1
    case http2
  }

  static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  private var held: ByteBuffer?
  /// Set once `configure` or `onFailure` ran: each runs at most once.
  private var decided = false
  private let configure: (any Channel, Version) throws -> Void
  private let onFailure: (any Error) -> Void

  /// - Parameters:
  ///   - configure: builds the pipeline for the detected version (on the event loop).
  ///   - onFailure: the connection closed or failed before a decision.
  init(
    configure: @escaping (any Channel, Version) throws -> Void,
    onFailure: @escaping (any Error) -> Void
  ) {
    self.configure = configure
    self.onFailure = onFailure
  }

  /// `nil` while the bytes so far are a prefix of the preface and shorter than it.
  static func classify(_ buffer: ByteBuffer) -> Version? {
    let count = min(buffer.readableBytes, preface.count)
    let matches = buffer.withUnsafeReadableBytes { bytes in
      (0..<count).allSatisfy { bytes[$0] == preface[$0] }
    }
    if !matches { return .http1 }
    return count == preface.count ? .http2 : nil
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var incoming = unwrapInboundIn(data)
    if held == nil {
      held = incoming
    } else {
      held!.writeBuffer(&incoming)
    }
    guard !decided, let version = Self.classify(held!) else { return }
    decided = true
    do {
      try configure(context.channel, version)
    } catch {
      onFailure(error)
      context.close(promise: nil)
      return
    }
    let bytes = held!
    held = nil
    context.fireChannelRead(wrapInboundOut(bytes))
    context.fireChannelReadComplete()
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    // Undecided: nothing to pass on yet (a decision fires its own read-complete).
  }

  func channelInactive(context: ChannelHandlerContext) {
    fail(ChannelError.eof)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    fail(error)
    context.close(promise: nil)
  }

  private func fail(_ error: any Error) {
    guard !decided else { return }
    decided = true
    onFailure(error)
  }
}
