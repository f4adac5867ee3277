import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceLifecycle

/// Keeps a service's ``OrganizationGate`` current: follows admin center's event stream for
/// `organization.updated` and invalidates the gate's answer for that organization, so the
/// next call asks admin center again and a changed time zone, region or status applies then
/// rather than when the gate's 60 s answer runs out (contacts.md §6.2: "refresh cache").
///
/// The cursor lives in the service's own `event_cursors` (one row, producer `admin`); an
/// invalidation is idempotent, so a redelivered event costs one admin lookup at most. Admin
/// center publishes from its outbox after the change commits, so the lookup that follows an
/// invalidation reads the new organization.
public struct OrganizationUpdatesFollower: Service, CustomStringConvertible {
  /// The event type this follower applies.
  public static let eventType = "organization.updated"

  public let description = "organization-updates-follower"
  private let consumer: EventConsumer<NGHTTP2ClientTransport>

  /// - Parameters:
  ///   - consumer: this service's name, the cursor's owner (e.g. `contacts`).
  ///   - gate: the gate whose answers the events invalidate.
  ///   - admin: a client to admin center (run by the service process).
  ///   - pool: this service's own database (its `event_cursors`).
  public init(
    consumer: String, gate: OrganizationGate, admin: GRPCClient<NGHTTP2ClientTransport>,
    pool: PostgresPool, logger: Logger
  ) {
    self.consumer = EventConsumer(
      consumer: consumer, producer: "admin",
      method: Maac_Admin_V1_AdminEvents.Method.Subscribe.descriptor, client: admin, pool: pool,
      eventTypes: [Self.eventType], logger: logger
    ) { envelope, _ in
      guard envelope.eventType == Self.eventType else { return }
      let event = try Maac_Admin_V1_OrganizationUpdated(unpackingAny: envelope.payload)
      gate.invalidate(event.organizationID)
    }
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown { await consumer.run() }
  }
}
