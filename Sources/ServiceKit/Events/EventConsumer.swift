import GRPCCore
import GRPCProtobuf
import Logging
import MAACContracts
import PostgresClient

/// Follows another context's event stream and applies each event exactly once to this
/// service's database.
///
/// Delivery is at-least-once; the effect is exactly-once because the handler runs in the
/// same transaction that advances the cursor (``EventCursorStore``): an event whose
/// transaction did not commit is delivered again, and a redelivered event that did commit
/// is skipped. A handler that calls other services must make those calls idempotent.
/// The consumer resubscribes from its cursor after any failure of either side, with
/// exponential backoff, until its task is cancelled.
public struct EventConsumer<Transport: ClientTransport>: Sendable {
  /// What the handler sees: the event, and the open transaction to apply it in.
  public typealias Handler =
    @Sendable (Maac_Common_V1_EventEnvelope, PostgresConnection) async throws -> Void

  private let producer: String
  private let method: MethodDescriptor
  private let client: GRPCClient<Transport>
  private let pool: PostgresPool
  private let cursors: EventCursorStore
  private let eventTypes: [String]
  private let logger: Logger
  private let handler: Handler
  private let maxBackoff: Duration

  /// - Parameters:
  ///   - consumer: this service's name (the cursor's owner), e.g. `cdh`.
  ///   - producer: the producing context, e.g. `contacts`.
  ///   - method: the producer's generated `Subscribe` descriptor.
  ///   - client: a client connected to the producer.
  ///   - pool: this service's own database.
  ///   - eventTypes: the event types to follow; empty for all.
  public init(
    consumer: String,
    producer: String,
    method: MethodDescriptor,
    client: GRPCClient<Transport>,
    pool: PostgresPool,
    eventTypes: [String] = [],
    logger: Logger,
    maxBackoff: Duration = .seconds(5),
    handler: @escaping Handler
  ) {
    self.producer = producer
    self.method = method
    self.client = client
    self.pool = pool
    self.cursors = EventCursorStore(consumer: consumer)
    self.eventTypes = eventTypes
    self.logger = logger
    self.handler = handler
    self.maxBackoff = maxBackoff
  }

  /// Consumes until the task is cancelled.
  public func run() async {
    let initialBackoff = Duration.milliseconds(50)
    var backoff = initialBackoff
    while !Task.isCancelled {
      do {
        let handled = try await consumeOnce()
        if handled > 0 { backoff = initialBackoff }
      } catch {
        if Task.isCancelled { return }
        logger.warning(
          "event stream interrupted; resubscribing",
          metadata: [
            "producer": "\(producer)", "consumer": "\(cursors.consumer)",
            "error": "\(error)", "backoff_ms": "\(backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000)",
          ]
        )
      }
      try? await Task.sleep(for: backoff)
      backoff = min(backoff * 2, maxBackoff)
    }
  }

  /// One subscription from the stored cursor until the stream ends or fails.
  ///
  /// - Returns: how many new events were applied.
  func consumeOnce() async throws -> Int {
    var subscription = Maac_Common_V1_SubscribeRequest()
    subscription.afterSequence = try await cursors.lastSequence(from: producer, pool: pool)
    subscription.eventTypes = eventTypes
    let caller = CallerContext(
      organizationID: nil, userID: "system:\(cursors.consumer)", requestID: RequestID.generate())
    let request = ClientRequest(message: subscription, metadata: caller.metadata)
    let (producer, pool, cursors, handler) = (self.producer, self.pool, self.cursors, self.handler)
    return try await client.serverStreaming(
      request: request,
      descriptor: method,
      serializer: ProtobufSerializer<Maac_Common_V1_SubscribeRequest>(),
      deserializer: ProtobufDeserializer<Maac_Common_V1_EventEnvelope>(),
      options: .defaults
    ) { response in
      var applied = 0
      for try await event in response.messages {
        let isNew = try await pool.withTransaction { connection in
          guard try await cursors.advance(from: producer, to: event.sequence, on: connection) else {
            return false
          }
          try await handler(event, connection)
          return true
        }
        if isNew { applied += 1 }
      }
      return applied
    }
  }
}
