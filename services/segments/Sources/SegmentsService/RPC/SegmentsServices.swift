import GRPCCore

/// The RPC services of the segments context, for the server to register.
public enum SegmentsServices {
  /// One handler per service of `maac.segments.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      SegmentsEventsHandler(),
      SegmentsInternalHandler(),
      SegmentsHandler(),
    ]
  }

  /// Methods ("maac.segments.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
