import AdminDomain
import Foundation
import MAACContracts
import PostgresClient
import ServiceKit
import SwiftProtobuf

/// Writes admin center's events (R6) to the outbox, inside the transaction of the change.
///
/// The event messages carry their own `event_id` and `sequence` (events.proto: `event_id`
/// equals the envelope's sequence). The outbox hands out sequences only when appending, so
/// the publisher first locks the outbox counter and reads the next numbers; holding that lock
/// until commit, the append that follows gives the events exactly those numbers.
public struct AdminEventPublisher: Sendable {
  /// `organization.updated` (R6).
  public static let organizationUpdated = "organization.updated"
  /// `channel.updated` (R6).
  public static let channelUpdated = "channel.updated"

  /// One change to announce.
  public enum Change: Sendable {
    case organization(Organization, created: Bool)
    case channel(ChannelRecord, changed: [Maac_Admin_V1_ChannelChange])
  }

  private let outbox: Outbox

  public init(outbox: Outbox) {
    self.outbox = outbox
  }

  /// Appends one event per change, in order. Call last in the transaction: from here to
  /// commit the transaction holds the outbox counter's lock.
  public func publish(_ changes: [Change], on connection: PostgresConnection) async throws {
    guard !changes.isEmpty else { return }
    let rows = try await connection.query(
      "SELECT last_sequence, now() AS now FROM outbox_sequence FOR UPDATE")
    var next = try rows[0].decode("last_sequence", as: Int64.self) + 1
    let now = Google_Protobuf_Timestamp(date: try rows[0].decode("now", as: Date.self))
    var events: [OutboundEvent] = []
    for change in changes {
      events.append(Self.event(for: change, sequence: next, occurredAt: now))
      next += 1
    }
    let sequences = try await outbox.append(events, on: connection)
    assert(sequences.last == next - 1, "outbox sequences moved while the counter was locked")
  }

  static func event(for change: Change, sequence: Int64, occurredAt: Google_Protobuf_Timestamp)
    -> OutboundEvent
  {
    switch change {
    case .organization(let organization, let created):
      var payload = Maac_Admin_V1_OrganizationUpdated()
      payload.eventID = sequence
      payload.sequence = sequence
      payload.occurredAt = occurredAt
      payload.organizationID = organization.id
      payload.uuid = organization.uuid
      payload.name = organization.name
      payload.region = organization.region.map(ProtoMapping.region) ?? .unspecified
      payload.timezone = organization.timezone
      payload.active = organization.active
      payload.created = created
      return OutboundEvent(
        eventType: organizationUpdated, organizationID: organization.id, payload: payload)
    case .channel(let channel, let changed):
      var payload = Maac_Admin_V1_ChannelUpdated()
      payload.eventID = sequence
      payload.sequence = sequence
      payload.occurredAt = occurredAt
      payload.organizationID = channel.organizationID
      payload.channelID = channel.id
      payload.type = ProtoMapping.channelType(channel.type)
      payload.status = ProtoMapping.channelStatus(channel.status)
      payload.healthState =
        channel.email.map { ProtoMapping.healthState($0.healthState) }
        ?? .unspecified
      payload.enabled = channel.enabled
      payload.changed = changed
      return OutboundEvent(
        eventType: channelUpdated, organizationID: channel.organizationID, payload: payload)
    }
  }
}
