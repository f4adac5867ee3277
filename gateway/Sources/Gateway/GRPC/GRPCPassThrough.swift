import GRPCCore
import MAACContracts
import ServiceKit

/// gRPC pass-through by service (`/maac.contacts.v1.Contacts/...` → the contacts upstream):
/// every method of the public services is registered as a streaming forwarder of raw bytes.
///
/// The caller's `authorization: Bearer <jwt>` metadata is verified like a REST call's, and its
/// organization checked with admin center (GQ6, PERMISSION_DENIED `ORGANIZATION_NOT_ACTIVE`); the
/// forwarded call carries only the verified `x-maac-*` identity and a fresh `x-request-id`
/// (G5, G10) — no client metadata is copied. Internal services (ops, internal, testing,
/// event streams) are not registered, so they answer UNIMPLEMENTED (G14).
public struct GRPCPassThrough: RegistrableRPCService {
  /// Public service descriptors and the upstream that owns them.
  public static let publicServices: [(methods: [MethodDescriptor], upstream: String)] = [
    (Maac_Contacts_V1_Contacts.Method.descriptors, "contacts"),
    (Maac_Tags_V1_TagManagerService.Method.descriptors, "tags"),
    (Maac_Cdh_V1_UnifySettingsService.Method.descriptors, "cdh"),
    (Maac_Cdh_V1_ProfileService.Method.descriptors, "cdh"),
    (Maac_Admin_V1_AdminCenter.Method.descriptors, "admin"),
  ]

  let verifier: TokenVerifier
  let upstreams: Upstreams
  let timeout: Duration

  public init(verifier: TokenVerifier, upstreams: Upstreams, timeout: Duration = .seconds(10)) {
    self.verifier = verifier
    self.upstreams = upstreams
    self.timeout = timeout
  }

  public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    for (methods, upstream) in Self.publicServices {
      for descriptor in methods {
        router.registerHandler(
          forMethod: descriptor, deserializer: RawMessageDeserializer(),
          serializer: RawMessageSerializer()
        ) { request, context in
          try await forward(request, descriptor: descriptor, upstream: upstream)
        }
      }
    }
  }

  private func forward(
    _ request: StreamingServerRequest<[UInt8]>, descriptor: MethodDescriptor, upstream: String
  ) async throws -> StreamingServerResponse<[UInt8]> {
    let identity = try await authenticate(request.metadata)
    try await upstreams.admitOrganization(identity.organizationID)
    guard let client = upstreams.client(upstream) else {
      throw RPCError(code: .unavailable, message: "Service unavailable")
    }
    var metadata = CallerContext(
      organizationID: identity.organizationID, userID: identity.userID, roles: identity.roles,
      requestID: RequestID.generate()
    ).metadata
    metadata.addString(identity.tokenUse, forKey: "x-maac-token-use")
    var options = CallOptions.defaults
    options.timeout = timeout
    options.waitForReady = false
    let callMetadata = metadata
    let callOptions = options
    return StreamingServerResponse { writer in
      try await client.bidirectionalStreaming(
        request: StreamingClientRequest(metadata: callMetadata) { upstreamWriter in
          for try await message in request.messages { try await upstreamWriter.write(message) }
        },
        descriptor: descriptor, serializer: RawMessageSerializer(),
        deserializer: RawMessageDeserializer(),
        options: callOptions
      ) { response in
        for try await message in response.messages { try await writer.write(message) }
        return [:]
      }
    }
  }

  private func authenticate(_ metadata: Metadata) async throws -> VerifiedIdentity {
    let values = Array(metadata[stringValues: "authorization"])
    guard values.count == 1 else {
      throw RPCError(code: .unauthenticated, message: "Missing or invalid JWT token")
    }
    let parts = values[0].split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
      throw RPCError(code: .unauthenticated, message: "Missing or invalid JWT token")
    }
    do {
      let identity = try await verifier.verify(String(parts[1]))
      // Only access tokens on the gRPC surface (G4).
      guard identity.tokenUse == "access" else { throw TokenRejection.claims("token_use") }
      return identity
    } catch {
      throw RPCError(code: .unauthenticated, message: "Missing or invalid JWT token")
    }
  }
}
