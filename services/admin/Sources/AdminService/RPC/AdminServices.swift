import GRPCCore

/// The RPC services of the admin context, for the server to register.
public enum AdminServices {
  /// One handler per service of `maac.admin.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      AdminCenterHandler(),
      AdminEventsHandler(),
      AdminInternalHandler(),
      AdminOpsHandler(),
      AdminTestingHandler(),
    ]
  }

  /// Methods ("maac.admin.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
