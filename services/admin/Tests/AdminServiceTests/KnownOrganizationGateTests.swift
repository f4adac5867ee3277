import Foundation
import GRPCCore
import GRPCProtobuf
import MAACTestSupport
import ServiceKit
import SwiftProtobuf
import Testing

/// Another service's process with admin center configured as its `admin` peer: ServiceKit's
/// known-organization gate asks the REAL admin center before any handler runs.
@Suite("Issue #9: unknown organizations are refused by every service")
struct KnownOrganizationGateTests {
  /// An organization-scoped method that answers which organization reached it.
  struct ProbeService: RegistrableRPCService {
    static let method = MethodDescriptor(fullyQualifiedService: "maac.test.v1.Probe", method: "Get")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
      router.registerHandler(
        forMethod: Self.method,
        deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
        serializer: ProtobufSerializer<Google_Protobuf_StringValue>()
      ) { request, _ in
        for try await _ in request.messages {}
        let organization = try CallerContext.requiredOrganizationID()
        return StreamingServerResponse(
          single: ServerResponse(message: Google_Protobuf_StringValue("reached \(organization)")))
      }
    }
  }

  static func call(_ client: GRPCClient<some ClientTransport>, organization: Int64) async throws
    -> String
  {
    try await client.unary(
      request: ClientRequest(
        message: Google_Protobuf_StringValue(),
        metadata: CallerContext.tenant(organization).metadata),
      descriptor: ProbeService.method,
      serializer: ProtobufSerializer<Google_Protobuf_StringValue>(),
      deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
      options: .defaults
    ) { try $0.message.value }
  }

  static func refusal(_ client: GRPCClient<some ClientTransport>, organization: Int64) async
    -> RPCError?
  {
    do {
      _ = try await call(client, organization: organization)
      return nil
    } catch {
      return error as? RPCError
    }
  }

  @Test(
    "a known organization is served; an unknown one is NOT_FOUND and a disabled one refused, before any handler"
  )
  func unknownAndDisabledOrganizationsAreRefused() async throws {
    try await AdminHarness.run { admin in
      let known = try await admin.provision(Secrets.document(name: "Known")).organizations[0]
        .organization.id
      let disabled = try await admin.provision(
        #"{"organizations": [{"name": "Off", "active": false}]}"#
      ).organizations[0].organization.id
      let probe = ServiceProcess(
        name: "probe",
        configuration: ServiceConfiguration(
          peers: ["admin": admin.address], logLevel: .critical,
          organizationLookupTimeout: TestBudgets.organizationLookup))
      #expect(probe.organizationGate != nil)
      let service = try await RunningService.start(
        probe, services: [ProbeService()], tenancy: .organizationScoped())
      try await withTestClient(to: service.address) { client in
        let answer = try await Self.call(client, organization: known)
        #expect(answer == "reached \(known)")

        let unknown = await Self.refusal(client, organization: 987_654)
        #expect(unknown?.code == .notFound)
        #expect(unknown?.message == "organization 987654 is not known to admin center")
        #expect(
          unknown?.metadata[stringValues: ServiceError.reasonMetadataKey].first(where: { _ in true }
          )
            == "ORGANIZATION_NOT_FOUND")

        let off = await Self.refusal(client, organization: disabled)
        #expect(off?.code == .failedPrecondition)
        #expect(
          off?.metadata[stringValues: ServiceError.reasonMetadataKey].first(where: { _ in true })
            == "ORGANIZATION_NOT_ACTIVE")
      }
      await service.stop()
    }
  }

  @Test("an organization created after a refusal is served once its cached refusal is invalidated")
  func newlyCreatedOrganizationBecomesUsable() async throws {
    try await AdminHarness.run { admin in
      let probe = ServiceProcess(
        name: "probe",
        configuration: ServiceConfiguration(
          peers: ["admin": admin.address], logLevel: .critical,
          organizationLookupTimeout: TestBudgets.organizationLookup))
      let service = try await RunningService.start(
        probe, services: [ProbeService()], tenancy: .organizationScoped())
      try await withTestClient(to: service.address) { client in
        // Ids are assigned by admin center: the next one is not known yet.
        let existing = try await admin.provision(Secrets.document(name: "First")).organizations[0]
          .organization.id
        let next = existing + 1
        let refused = await Self.refusal(client, organization: next)
        #expect(refused?.code == .notFound)
        let created = try await admin.provision(Secrets.document(name: "Second")).organizations[0]
          .organization.id
        #expect(created == next)
        probe.organizationGate?.invalidate(next)
        let answer = try await Self.call(client, organization: next)
        #expect(answer == "reached \(next)")
      }
      await service.stop()
    }
  }
}
