import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle

/// Follows the contacts, tags and admin center event streams (cdh.md §5.3) with ServiceKit's
/// ``EventConsumer``: each event is applied in the transaction that advances CDH's cursor,
/// so delivery is at-least-once and the effect exactly-once, resumable after a restart of
/// either side; the engine's per-attribute timestamps make it out-of-order safe (U43).
public enum CDHEventFollowers {
  /// Runs both followers with clients to the given peers until cancelled.
  /// With `writeBack`, merged profiles are also written to the contacts service's ingest
  /// RPC at `contacts` (``ContactsWriteBack``).
  /// `admin` is admin center: its `organization.updated` events provision scopes and carry
  /// the org uuids ConnectOrgs joins by (U1, U6).
  public static func run(
    runtime: CDHRuntime, pool: PostgresPool, contacts: HostAndPort?, tags: HostAndPort?,
    admin: HostAndPort? = nil, logger: Logger, writeBack: ContactsWriteBack? = nil
  ) async throws {
    guard contacts != nil || tags != nil || admin != nil else {
      // Nothing to follow: stay up (a finished service would stop the process) until shutdown.
      try await gracefulShutdown()
      return
    }
    try await withThrowingDiscardingTaskGroup { group in
      if let contacts, let writeBack {
        group.addTask { try await writeBack.run(contacts: contacts) }
      }
      if let contacts {
        group.addTask {
          try await follow(
            producer: "contacts", address: contacts,
            method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor,
            eventTypes: InboundEventTranslator.contactEventTypes, pool: pool, logger: logger
          ) { event, connection in
            try await runtime.applyContactEvent(event, on: connection)
          }
        }
      }
      if let admin {
        group.addTask {
          try await follow(
            producer: "admin", address: admin,
            method: Maac_Admin_V1_AdminEvents.Method.Subscribe.descriptor,
            eventTypes: InboundEventTranslator.adminEventTypes, pool: pool, logger: logger
          ) { event, connection in
            try await runtime.applyAdminEvent(event, on: connection)
          }
        }
      }
      if let tags {
        group.addTask {
          try await follow(
            producer: "tags", address: tags,
            method: Maac_Tags_V1_TagsEvents.Method.Subscribe.descriptor,
            eventTypes: InboundEventTranslator.tagEventTypes, pool: pool, logger: logger
          ) { event, connection in
            try await runtime.applyTagEvent(event, on: connection)
          }
        }
      }
    }
  }

  static func follow(
    producer: String, address: HostAndPort, method: MethodDescriptor, eventTypes: [String],
    pool: PostgresPool, logger: Logger,
    handler:
      @escaping @Sendable (Maac_Common_V1_EventEnvelope, PostgresConnection) async throws -> Void
  ) async throws {
    let target: NGHTTP2ClientTransport.Target =
      address.isIPv6
      ? .ipv6(host: address.host, port: address.port)
      : .ipv4(host: address.host, port: address.port)
    try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target)) { client in
      let consumer = EventConsumer(
        consumer: "cdh", producer: producer, method: method, client: client, pool: pool,
        eventTypes: eventTypes, logger: logger, handler: handler)
      await consumer.run()
    }
  }
}
