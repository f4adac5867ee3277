public import GRPCCore
internal import NIOCore

extension NGHTTP2ClientTransport {
  /// Calls a unary RPC with an already serialized request, without GRPCCore's per-call
  /// machinery (stream executor, task group, a `Task.sleep` deadline timer, async sequences):
  /// one HTTP/2 stream whose HEADERS and single DATA frame go out in one write, the response
  /// gathered on the connection's event loop, and the caller resumed once.
  ///
  /// For callers that translate one request into one RPC and back (the gateway). Outcomes
  /// match `GRPCClient.unary`: a non-OK status throws `RPCError` with its code, message and
  /// trailers; no connection → UNAVAILABLE (fails fast, no wait-for-ready); the deadline →
  /// DEADLINE_EXCEEDED with the stream reset; cancelling the calling task → CANCELLED.
  ///
  /// `nonisolated(nonsending)`: it runs on the caller's executor (for the gateway, the event
  /// loop its task prefers) with no executor hop at entry; it only posts to the connection and
  /// waits for the answer.
  ///
  /// - Parameters:
  ///   - descriptor: The method; its path is `/service/method`.
  ///   - metadata: Sent as request headers; reserved names (pseudo-headers, `content-type`,
  ///     `te`, ...) are dropped as on every stream.
  ///   - message: The serialized request message.
  ///   - timeout: The deadline, sent as `grpc-timeout` and enforced on the connection's event
  ///     loop (one timer per connection for all its calls); `nil` for none.
  nonisolated(nonsending) public func unary(
    descriptor: MethodDescriptor, metadata: Metadata, message: [UInt8], timeout: Duration?
  ) async throws -> NGHTTP2UnaryResponse {
    let deadline = timeout.map { timeout in
      let amount = TimeAmount(converting: timeout)
      return (at: NIODeadline.now() + amount, timeout: amount)
    }
    do {
      return try await self.unaryAttempt(
        descriptor: descriptor, metadata: metadata, message: message, deadline: deadline)
    } catch let error as RPCError where error.cause is StreamNeverProcessed {
      // The server did not process the call: refused (REFUSED_STREAM, or a GOAWAY whose last
      // stream id is below the stream's: a server closing an idle connection as the call was
      // sent), or the stream was never opened. Nothing of the call ran, so it is tried once
      // more, on another connection and within the same deadline: gRPC's transparent retry.
      return try await self.unaryAttempt(
        descriptor: descriptor, metadata: metadata, message: message,
        deadline: deadline.map { ($0.at, max(.nanoseconds(0), $0.at - .now())) })
    }
  }

  nonisolated(nonsending) private func unaryAttempt(
    descriptor: MethodDescriptor, metadata: Metadata, message: [UInt8],
    deadline: (at: NIODeadline, timeout: TimeAmount)?
  ) async throws -> NGHTTP2UnaryResponse {
    let connection = try await self.readyConnection(waitForReady: false)
    defer { connection.reservations.release() }
    let mailbox = connection.mailbox
    let collector = UnaryResponseCollector()
    let stream = ClientStream(
      descriptor: descriptor,
      maxMessageSize: self.config.maxReceiveMessageSize,
      mailbox: mailbox,
      sink: .unary(collector)
    )
    var metadata = metadata
    if let deadline {
      metadata.replaceOrAddString(Self.grpcTimeout(deadline.timeout), forKey: "grpc-timeout")
    }
    let sent = metadata
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        collector.install(continuation)
        mailbox.post(.unary(stream, sent, message, deadline))
      }
    } onCancel: {
      mailbox.post(.cancel(stream))
    }
  }

  /// The `grpc-timeout` value: at most 8 digits, in the finest unit that fits.
  static func grpcTimeout(_ timeout: TimeAmount) -> String {
    let nanoseconds = max(0, timeout.nanoseconds)
    let units: [(String, Int64)] = [
      ("n", 1), ("u", 1_000), ("m", 1_000_000), ("S", 1_000_000_000), ("M", 60_000_000_000),
      ("H", 3_600_000_000_000),
    ]
    for (unit, scale) in units {
      // Rounded up: a deadline is never sent shorter than it is.
      let value = nanoseconds / scale + (nanoseconds % scale == 0 ? 0 : 1)
      if value < 100_000_000 { return "\(value)\(unit)" }
    }
    return "99999999H"
  }
}
