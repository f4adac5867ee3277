import GRPCCore
import GRPCProtobuf
import Logging
import MAACContracts
import PostgresClient
import Synchronization

/// Follows another context's event stream and applies each event exactly once to this
/// service's database.
///
/// Delivery is at-least-once; the effect is exactly-once because the handler runs in the
/// same transaction that advances the cursor (``EventCursorStore``): an event whose
/// transaction did not commit is delivered again, and a redelivered event that did commit
/// is skipped. A handler that calls other services must make those calls idempotent.
/// The consumer resubscribes from its cursor after any failure of either side, with
/// exponential backoff, until its task is cancelled.
///
/// An event its handler refuses `maxAttempts` times in a row, for a reason that is not
/// transient (a database or peer outage, a serialization conflict), is a poison event: it is
/// kept whole in `event_dead_letters` (``DeadLetterStore``) in the same transaction that
/// moves the cursor past it, so one bad event never blocks the stream and is never lost.
/// Once the cause is fixed, an operator asks for it to be applied again
/// (``DeadLetterStore/requestReplay(from:sequences:pool:)``, `maac-ops dead-letters replay`):
/// the running consumer applies it with the same handler, after the events that passed it,
/// and removes the letter in the same transaction; a replay refused again keeps the letter.
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
  private let maxAttempts: Int
  private let deadLetters: DeadLetterStore
  private let failures = FailureCount()
  private let replayInterval: Duration

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
    maxAttempts: Int = 5,
    replayInterval: Duration = .seconds(1),
    handler: @escaping Handler
  ) {
    self.replayInterval = replayInterval
    self.producer = producer
    self.method = method
    self.client = client
    self.pool = pool
    self.cursors = EventCursorStore(consumer: consumer)
    self.eventTypes = eventTypes
    self.logger = logger
    self.handler = handler
    self.maxBackoff = maxBackoff
    self.maxAttempts = max(1, maxAttempts)
    self.deadLetters = DeadLetterStore(consumer: consumer)
  }

  /// Consumes, and replays the dead letters an operator asks for, until the task is cancelled.
  public func run() async {
    await withDiscardingTaskGroup { group in
      group.addTask { await self.follow() }
      group.addTask { await self.replayWhenAsked() }
    }
  }

  private func follow() async {
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
            "error": "\(error)",
            "backoff_ms":
              "\(backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000)",
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
        do {
          let isNew = try await pool.withTransaction { connection in
            guard try await cursors.advance(from: producer, to: event.sequence, on: connection)
            else {
              return false
            }
            try await handler(event, connection)
            return true
          }
          failures.reset()
          if isNew { applied += 1 }
        } catch {
          if Task.isCancelled || Self.isTransient(error) { throw error }
          let attempts = failures.record(event.sequence)
          guard attempts >= maxAttempts else { throw error }
          try await deadLetter(event, error: error, attempts: attempts)
          failures.reset()
        }
      }
      return applied
    }
  }

  private func replayWhenAsked() async {
    while !Task.isCancelled {
      do {
        _ = try await replayRequested()
      } catch {
        if Task.isCancelled { return }
        logger.warning(
          "dead-letter replay failed; retrying",
          metadata: ["consumer": "\(cursors.consumer)", "error": "\(error)"])
      }
      try? await Task.sleep(for: replayInterval)
    }
  }

  /// Applies the letters an operator asked to replay; returns how many were applied.
  func replayRequested() async throws -> Int {
    var applied = 0
    let (handler, deadLetters) = (self.handler, self.deadLetters)
    for letter in try await deadLetters.replayRequests(limit: 100, pool: pool) {
      do {
        try await pool.withTransaction { connection in
          try await handler(letter.envelope, connection)
          try await deadLetters.resolve(letter, on: connection)
        }
        applied += 1
        logger.notice(
          "dead letter replayed",
          metadata: [
            "producer": "\(letter.producer)", "consumer": "\(cursors.consumer)",
            "sequence": "\(letter.sequence)",
          ])
      } catch {
        // A transient failure leaves the request standing for the next round.
        if Task.isCancelled || Self.isTransient(error) { throw error }
        try await deadLetters.replayFailed(letter, error: "\(error)", pool: pool)
      }
    }
    return applied
  }

  private func deadLetter(_ event: Maac_Common_V1_EventEnvelope, error: any Error, attempts: Int)
    async throws
  {
    let (producer, cursors, deadLetters) = (self.producer, self.cursors, self.deadLetters)
    try await pool.withTransaction { connection in
      guard try await cursors.advance(from: producer, to: event.sequence, on: connection) else {
        return
      }
      try await deadLetters.record(
        event, from: producer, error: "\(error)", attempts: attempts, on: connection)
    }
    logger.error(
      "event dead-lettered after repeated handler failures",
      metadata: [
        "producer": "\(producer)", "consumer": "\(cursors.consumer)",
        "sequence": "\(event.sequence)", "event_type": "\(event.eventType)",
        "organization_id": "\(event.organizationID)", "attempts": "\(attempts)",
        "error": "\(error)",
      ])
  }

  /// Failures that say nothing about the event: retry it for as long as they last.
  static func isTransient(_ error: any Error) -> Bool {
    switch error {
    case is CancellationError:
      return true
    case let error as PostgresError:
      return error.isConnectionFailure || error.isRetryableTransactionFailure
        || error.kind == .poolExhausted || error.kind == .poolClosed
    case let error as RPCError:
      return [.unavailable, .deadlineExceeded, .resourceExhausted, .aborted, .cancelled]
        .contains(error.code)
    default:
      return false
    }
  }
}

/// Consecutive handler failures of the event at the head of the stream.
private final class FailureCount: Sendable {
  private let state = Mutex<(sequence: Int64, count: Int)>((0, 0))

  /// Counts one more failure of `sequence`; returns how many in a row it has had.
  func record(_ sequence: Int64) -> Int {
    state.withLock { state in
      state = state.sequence == sequence ? (sequence, state.count + 1) : (sequence, 1)
      return state.count
    }
  }

  func reset() {
    state.withLock { $0 = (0, 0) }
  }
}
