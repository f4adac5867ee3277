import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.admin.v1.AdminTesting`: every method answers UNIMPLEMENTED until the admin issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AdminTestingHandler: Maac_Admin_V1_AdminTesting.SimpleServiceProtocol {
  public init() {}

  public func getStubCalls(request: Maac_Admin_V1_GetStubCallsRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_GetStubCallsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminTesting.Method.GetStubCalls.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setStubResult(request: Maac_Admin_V1_SetStubResultRequest, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminTesting.Method.SetStubResult.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func advanceClock(request: Maac_Admin_V1_AdvanceClockRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_AdvanceClockResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminTesting.Method.AdvanceClock.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
