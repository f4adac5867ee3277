import GRPCCore
import GRPCProtobuf
import Logging
import MAACContracts
import PostgresClient

/// A context's `<Context>Events/Subscribe`: streams the outbox in sequence order from the
/// subscriber's resume point, then every event as it commits, until the subscriber goes.
///
/// Tenant callers see their own organization's events; service callers (`system:<name>`
/// with no organization) see every organization's (CONVENTIONS.md, common/v1/events.proto).
public struct EventStreamService: RegistrableRPCService {
  private let method: MethodDescriptor
  private let outbox: Outbox
  private let pool: PostgresPool
  private let wakeups: OutboxWakeups
  private let defaultBatch: Int

  /// - Parameters:
  ///   - method: the generated `Subscribe` descriptor of the context's events service,
  ///     e.g. `Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor`.
  public init(
    method: MethodDescriptor,
    outbox: Outbox,
    pool: PostgresPool,
    wakeups: OutboxWakeups,
    defaultBatch: Int = 500
  ) {
    self.method = method
    self.outbox = outbox
    self.pool = pool
    self.wakeups = wakeups
    self.defaultBatch = defaultBatch
  }

  public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandler(
      forMethod: method,
      deserializer: ProtobufDeserializer<Maac_Common_V1_SubscribeRequest>(),
      serializer: ProtobufSerializer<Maac_Common_V1_EventEnvelope>()
    ) { request, context in
      try await self.subscribe(request: request)
    }
  }

  private func subscribe(
    request: StreamingServerRequest<Maac_Common_V1_SubscribeRequest>
  ) async throws -> StreamingServerResponse<Maac_Common_V1_EventEnvelope> {
    var first: Maac_Common_V1_SubscribeRequest?
    for try await message in request.messages {
      first = message
      break
    }
    guard let subscription = first else {
      throw ServiceError(.invalidArgument, "the call carried no SubscribeRequest")
    }
    if subscription.afterSequence < 0 {
      throw ServiceError.invalidArgument(field: "after_sequence", "must not be negative")
    }
    if subscription.maxBatch < 0 {
      throw ServiceError.invalidArgument(field: "max_batch", "must not be negative")
    }
    let organizationID = try CallerContext.required().organizationID
    let batch = subscription.maxBatch == 0 ? defaultBatch : min(Int(subscription.maxBatch), 10_000)
    return StreamingServerResponse { writer in
      var after = subscription.afterSequence
      while !Task.isCancelled {
        let generation = wakeups.generation
        let events = try await outbox.events(
          after: after,
          organizationID: organizationID,
          eventTypes: subscription.eventTypes,
          limit: batch,
          pool: pool
        )
        if !events.isEmpty {
          try await writer.write(contentsOf: events)
          after = events[events.count - 1].sequence
        }
        if events.count < batch {
          await wakeups.wait(unlessChangedFrom: generation)
        }
      }
      return [:]
    }
  }
}
