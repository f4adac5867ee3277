import GRPCCore

/// The RPC services of the email context, for the server to register.
public enum EmailServices {
  /// One handler per service of `maac.email.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      EmailHandler(),
      EmailEventsHandler(),
      EmailInboundHandler(),
      EmailInternalHandler(),
      EmailTestingHandler(),
    ]
  }

  /// Methods ("maac.email.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
