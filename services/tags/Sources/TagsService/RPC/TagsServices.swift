import GRPCCore

/// The RPC services of the tags context, for the server to register.
public enum TagsServices {
  /// One handler per service of `maac.tags.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      TagsEventsHandler(),
      TagManagerOpsHandler(),
      TagManagerServiceHandler(),
    ]
  }

  /// Methods ("maac.tags.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
