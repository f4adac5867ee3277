import GRPCCore

/// The RPC services of the journey context, for the server to register.
public enum JourneyServices {
  /// One handler per service of `maac.journey.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      JourneyEventsHandler(),
      JourneyInternalHandler(),
      JourneysHandler(),
      JourneyOpsHandler(),
      JourneyTestingHandler(),
    ]
  }

  /// Methods ("maac.journey.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
