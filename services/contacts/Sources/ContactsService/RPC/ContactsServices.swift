import GRPCCore

/// The RPC services of the contacts context, for the server to register.
public enum ContactsServices {
  /// One handler per service of `maac.contacts.v1`.
  public static func all() -> [any RegistrableRPCService] {
    [
      ContactsHandler(),
      ContactsEventsHandler(),
      ContactsIngestHandler(),
      ContactsInternalHandler(),
    ]
  }

  /// Methods ("maac.contacts.v1.Service/Method") whose handlers are implemented; the service
  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here
  /// when its handler stops answering UNIMPLEMENTED.
  public static let implementedMethods: Set<String> = []
}
