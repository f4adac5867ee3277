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
  let logger: Logger

  func run() async throws {
    let store = self.store
    let logger = self.logger
    let consumer = EventConsumer(
      consumer: "tags", producer: "cdh",
      method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, client: cdh,
      pool: pool, eventTypes: [Self.eventType], logger: logger
    ) { envelope, connection in
      guard envelope.eventType == Self.eventType else { return }
      let message = try Maac_Cdh_V1_MemberTagPropagated(unpackingAny: envelope.payload)
      let outcome = try await store.apply(
        message, organizationID: envelope.organizationID, on: connection)
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
