import GRPCCore
import Synchronization

/// What the server-side handlers observed, for tests that check the server's view.
final class ServerObservations: Sendable {
  private let state = Mutex<(cancelled: Int, started: Int, received: [Metadata])>((0, 0, []))
  private let flow = Mutex<(inFlight: Int, maxInFlight: Int, released: Bool, peers: Set<String>)>(
    (0, 0, false, []))

  func enter(peer: String) {
    self.flow.withLock {
      $0.inFlight += 1
      $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
      $0.peers.insert(peer)
    }
  }

  func leave() {
    self.flow.withLock { $0.inFlight -= 1 }
  }

  var maxInFlight: Int { self.flow.withLock { $0.maxInFlight } }
  var peers: Set<String> { self.flow.withLock { $0.peers } }

  /// Lets every `Hold` RPC complete.
  func release() {
    self.flow.withLock { $0.released = true }
  }

  var isReleased: Bool { self.flow.withLock { $0.released } }

  /// Polls (bounded) until `condition` holds; returns whether it did.
  func eventually(_ condition: (ServerObservations) -> Bool) async throws -> Bool {
    for _ in 0..<1000 {
      if condition(self) { return true }
      try await Task.sleep(for: .milliseconds(10))
    }
    return condition(self)
  }

  func recordStart(_ metadata: Metadata) {
    self.state.withLock {
      $0.started += 1
      $0.received.append(metadata)
    }
  }

  func recordCancelled() {
    self.state.withLock { $0.cancelled += 1 }
  }

  var cancelledCount: Int { self.state.withLock { $0.cancelled } }
  var startedCount: Int { self.state.withLock { $0.started } }
  var receivedMetadata: [Metadata] { self.state.withLock { $0.received } }
}

/// A small hand-written service (`test.Echo`) covering every RPC kind.
///
/// - `Get` (unary): echoes the message; request metadata keys starting `x-` are echoed back as
///   initial metadata and, with `-trailer` inserted before any `-bin` suffix, as trailers.
/// - `Collect` (client streaming): replies with all messages concatenated.
/// - `Expand` (server streaming): the request is a decimal count N; replies N messages `[i]`.
/// - `Update` (bidi): echoes each message as it arrives.
/// - `Fail` (unary): fails with the code in `x-code` and, as status message, the request
///   message's UTF-8 text or else `x-message`.
/// - `Sleep` (unary): waits until cancelled, recording the cancellation.
/// - `Sized` (unary): the request is a decimal size N; replies with N bytes.
/// - `Hold` (unary): waits until `ServerObservations.release()`, then echoes.
/// - `Track` (unary): records the caller's peer and concurrency, sleeps 5 ms, then echoes.
/// - `SlowCollect` (client streaming): sleeps 20 ms per message before reading the next; replies
///   with the total byte count as a decimal string.
struct EchoService: RegistrableRPCService {
  static let service = "test.Echo"
  let observations: ServerObservations

  init(observations: ServerObservations = ServerObservations()) {
    self.observations = observations
  }

  static func method(_ name: String) -> MethodDescriptor {
    MethodDescriptor(fullyQualifiedService: Self.service, method: name)
  }

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    let observations = self.observations
    router.registerHandler(
      forMethod: Self.method("Get"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var initial = Metadata()
      var trailing = Metadata()
      for (key, value) in request.metadata where key.hasPrefix("x-") {
        let trailerKey =
          key.hasSuffix("-bin") ? String(key.dropLast(4)) + "-trailer-bin" : key + "-trailer"
        switch value {
        case .string(let string):
          initial.addString(string, forKey: key)
          trailing.addString(string, forKey: trailerKey)
        case .binary(let binary):
          initial.addBinary(binary, forKey: key)
          trailing.addBinary(binary, forKey: trailerKey)
        }
      }
      var messages: [[UInt8]] = []
      for try await message in request.messages { messages.append(message) }
      let (received, trailers) = (messages, trailing)
      return StreamingServerResponse(metadata: initial) { writer in
        for message in received { try await writer.write(message) }
        return trailers
      }
    }

    router.registerHandler(
      forMethod: Self.method("Collect"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var all: [UInt8] = []
      for try await message in request.messages { all.append(contentsOf: message) }
      let collected = all
      return StreamingServerResponse { writer in
        try await writer.write(collected)
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("Expand"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var count = 0
      for try await message in request.messages {
        count = Int(String(decoding: message, as: UTF8.self)) ?? 0
      }
      let total = count
      return StreamingServerResponse { writer in
        for index in 0..<total { try await writer.write([UInt8(truncatingIfNeeded: index)]) }
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("Update"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      return StreamingServerResponse { writer in
        for try await message in request.messages { try await writer.write(message) }
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("Fail"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var body: [UInt8] = []
      for try await message in request.messages { body.append(contentsOf: message) }
      let code =
        request.metadata[stringValues: "x-code"].first(where: { _ in true }).flatMap { Int($0) }
        ?? 2
      let message =
        body.isEmpty
        ? (request.metadata[stringValues: "x-message"].first(where: { _ in true }) ?? "")
        : String(decoding: body, as: UTF8.self)
      let errorCode = RPCError.Code(Status.Code(rawValue: code) ?? .unknown) ?? .unknown
      throw RPCError(code: errorCode, message: message)
    }

    router.registerHandler(
      forMethod: Self.method("Sleep"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      for try await _ in request.messages {}
      do {
        try await Task.sleep(for: .seconds(600))
      } catch {
        observations.recordCancelled()
        throw error
      }
      return StreamingServerResponse { _ in [:] }
    }

    router.registerHandler(
      forMethod: Self.method("Sized"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var size = 0
      for try await message in request.messages {
        size = Int(String(decoding: message, as: UTF8.self)) ?? 0
      }
      let requested = size
      return StreamingServerResponse { writer in
        try await writer.write([UInt8](repeating: 0xAB, count: requested))
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("Hold"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var messages: [[UInt8]] = []
      for try await message in request.messages { messages.append(message) }
      while !observations.isReleased { try await Task.sleep(for: .milliseconds(5)) }
      let received = messages
      return StreamingServerResponse { writer in
        for message in received { try await writer.write(message) }
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("Track"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, context in
      observations.enter(peer: context.remotePeer)
      defer { observations.leave() }
      var messages: [[UInt8]] = []
      for try await message in request.messages { messages.append(message) }
      try await Task.sleep(for: .milliseconds(5))
      let received = messages
      return StreamingServerResponse { writer in
        for message in received { try await writer.write(message) }
        return [:]
      }
    }

    router.registerHandler(
      forMethod: Self.method("SlowCollect"),
      deserializer: RawDeserializer(),
      serializer: RawSerializer()
    ) { request, _ in
      observations.recordStart(request.metadata)
      var total = 0
      for try await message in request.messages {
        total += message.count
        try await Task.sleep(for: .milliseconds(20))
      }
      let bytes = total
      return StreamingServerResponse { writer in
        try await writer.write(Array(String(bytes).utf8))
        return [:]
      }
    }
  }
}
