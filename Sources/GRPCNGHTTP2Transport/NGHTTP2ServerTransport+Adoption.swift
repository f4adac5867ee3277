public import NIOCore

extension NGHTTP2ServerTransport.Address {
  /// No listening socket: the transport serves only connections handed to it with
  /// ``NGHTTP2ServerTransport/adoptConnection(_:)`` (e.g. by a listener that detected the
  /// HTTP/2 preface on a port it shares with HTTP/1.1). Its ``NGHTTP2ServerTransport/listeningAddress``
  /// reports port 0 once ``NGHTTP2ServerTransport/listen(streamHandler:)`` is running.
  public static var unbound: Self { Self(kind: .unbound) }
}

extension NGHTTP2ServerTransport {
  /// Serves HTTP/2 on a channel someone else accepted: installs this transport's connection
  /// handler at the end of the channel's pipeline. The client's bytes (starting with the
  /// connection preface) must reach the pipeline only after this call, e.g. by re-firing
  /// what a protocol detector buffered.
  ///
  /// Must be called on the channel's event loop, after ``listen(streamHandler:)`` has started
  /// (await ``listeningAddress``): a connection adopted before that, or after the transport was
  /// shut down, gets a GOAWAY.
  public func adoptConnection(_ channel: any Channel) throws {
    channel.eventLoop.preconditionInEventLoop()
    let onStream = self.shared.withLock { $0.onStream }
    let handler = ServerConnectionHandler(
      configuration: self.handlerConfiguration,
      eventLoop: channel.eventLoop,
      onStream: onStream ?? { @Sendable item in
        // Not listening: nobody could run the RPC.
        item.stream.mailbox.post(
          ServerConnectionHandler.Mail.finish(item.stream, RPCStreamRefused()))
      }
    )
    try channel.pipeline.syncOperations.addHandler(handler)
    self.register(channel: channel, handler: handler)
    if onStream == nil { handler.mailbox.post(ServerConnectionHandler.Mail.gracefulShutdown) }
  }
}

/// The failure posted for an RPC that arrived on a connection adopted by a transport that is
/// not listening.
struct RPCStreamRefused: Error {}
