import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf

/// Follows CDH's `CdhEvents/Subscribe` for `cdh.member_tag.v1` (T10, T23): tags propagated
/// across a unified profile become direct `cdh` rows or inherited `cdh_inherited` rows.
///
/// ServiceKit's `EventConsumer` applies each event exactly once (its cursor lives in this
/// schema, advanced in the transaction that writes the rows) and resumes after a restart of
/// either side.
struct CDHTagFollower: ServiceLifecycle.Service {
  static let eventType = "cdh.member_tag.v1"

  /// ServiceKit's client of peer `cdh`.
  let cdh: GRPCClient<NGHTTP2ClientTransport>
  let pool: PostgresPool
  let store: InboundTagStore
  /// Admin center's known-organization check (issue #9), when configured: events of an
  /// organization admin center does not know (or disabled) are skipped, never applied.
  let gate: OrganizationGate?
  let logger: Logger

  func run() async throws {
    let store = self.store
    let logger = self.logger
    let gate = self.gate
    let consumer = EventConsumer(
      consumer: "tags", producer: "cdh",
      method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, client: cdh,
      pool: pool, eventTypes: [Self.eventType], logger: logger
    ) { envelope, connection in
      guard envelope.eventType == Self.eventType else { return }
      if let gate {
        do {
          try await gate.admit(envelope.organizationID)
        } catch let error as RPCError
          where error.code == .notFound || error.code == .failedPrecondition
        {
          logger.warning(
            "skipped cdh.member_tag.v1 of an organization admin center refuses",
            metadata: [
              "organization": "\(envelope.organizationID)", "sequence": "\(envelope.sequence)",
              "reason": "\(error.message)",
            ])
          return
        }
        // Admin center unreachable: the error retries the event later, nothing is lost.
      }
      let message = try Maac_Cdh_V1_MemberTagPropagated(unpackingAny: envelope.payload)
      let outcome = try await store.apply(
        message, organizationID: envelope.organizationID, on: connection)
      if !outcome.refusedMembers.isEmpty {
        // CDH names no organization per member (contract question for CDH): never guess.
        logger.warning(
          "skipped cdh.member_tag.v1 members that do not belong to the message's organization",
          metadata: [
            "organization": "\(envelope.organizationID)", "sequence": "\(envelope.sequence)",
            "members": "\(outcome.refusedMembers.sorted())",
          ])
      }
      logger.debug(
        "applied cdh.member_tag.v1",
        metadata: [
          "sequence": "\(envelope.sequence)", "applied": "\(outcome.applied)",
          "ignored": "\(outcome.ignored)",
        ])
    }
    await cancelWhenGracefulShutdown { await consumer.run() }
  }
}
