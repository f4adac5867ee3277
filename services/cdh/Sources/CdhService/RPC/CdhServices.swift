import GRPCCore

/// The RPC services of the cdh context, for the server to register.
public enum CdhServices {
  /// One handler per service of `maac.cdh.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      AuditServiceHandler(),
      CdhEventsHandler(),
      ImportServiceHandler(),
      CdhOpsHandler(),
      ProfileServiceHandler(),
      UnifySettingsServiceHandler(),
    ]
  }

  /// Methods ("maac.cdh.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
