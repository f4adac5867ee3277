import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.CdhEvents` when no database is attached (conformance checks): a running CDH
/// serves its outbox with ServiceKit's ``EventStreamService`` instead (see ``CdhServices``).
public struct CdhEventsHandler: Maac_Cdh_V1_CdhEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    _ = try CallerContext.required()
    throw ServiceError(.unavailable, "cdh event stream is not attached to a database")
  }
}
