import GRPCCore
import MAACContracts

/// Server skeleton of `maac.journey.v1.JourneyTesting`: every method answers UNIMPLEMENTED until the journey issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct JourneyTestingHandler: Maac_Journey_V1_JourneyTesting.SimpleServiceProtocol {
  public init() {}

  public func advanceClock(request: Maac_Journey_V1_AdvanceClockRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_SchedulerTickResult
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyTesting.Method.AdvanceClock.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setClock(request: Maac_Journey_V1_SetClockRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_SchedulerTickResult
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyTesting.Method.SetClock.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func runSchedulerTick(
    request: Maac_Journey_V1_RunSchedulerTickRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_SchedulerTickResult {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyTesting.Method.RunSchedulerTick.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
