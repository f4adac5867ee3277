import AdminService
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("AdminOps/UpdateOrganization over gRPC and PostgreSQL (§3.1, R6)")
struct UpdateOrganizationTests {
  private func update(
    _ id: Int64, _ paths: [String], _ fill: (inout Maac_Admin_V1_UpdateOrganizationRequest) -> Void
  ) -> Maac_Admin_V1_UpdateOrganizationRequest {
    var request = Maac_Admin_V1_UpdateOrganizationRequest()
    request.organizationID = id
    request.updateMask = Google_Protobuf_FieldMask(protoPaths: paths)
    fill(&request)
    return request
  }

  private func createAcme(_ admin: AdminHarness) async throws -> Maac_Admin_V1_Organization {
    var create = Maac_Admin_V1_CreateOrganizationRequest()
    create.name = "Acme"
    create.region = .tw
    return try await admin.ops.createOrganization(create, metadata: AdminHarness.operatorCaller)
  }

  @Test(
    "§3.1 + R6: the masked fields change, one organization.updated carries the state after (created = false; uuid, name, region as CDH reads them); GetOrganizationSettings answers the new time zone right after"
  )
  func updatesAndEmitsOnce() async throws {
    try await AdminHarness.run { admin in
      let before = try await createAcme(admin)
      #expect(before.timezone == "Asia/Taipei" && before.region == .tw && before.active)
      let sequence = try await admin.lastSequence()

      let after = try await admin.ops.updateOrganization(
        update(before.id, ["name", "region", "timezone", "active"]) {
          $0.name = "Acme Japan"
          $0.region = .jp
          $0.timezone = "Asia/Tokyo"
          $0.active = false
        }, metadata: AdminHarness.operatorCaller)
      #expect(after.id == before.id && after.uuid == before.uuid)
      #expect(after.name == "Acme Japan" && after.region == .jp)
      #expect(after.timezone == "Asia/Tokyo" && !after.active)
      #expect(after.updatedAt.date >= before.updatedAt.date)

      let settings = try await admin.internalAPI.getOrganizationSettings(
        .init(), metadata: AdminHarness.tenant(before.id))
      #expect(settings.timezone == "Asia/Tokyo" && settings.region == .jp && !settings.active)

      #expect(try await admin.lastSequence() == sequence + 1)
      let envelope = try #require(try await admin.events(after: sequence, count: 1).first)
      #expect(envelope.eventType == "organization.updated")
      #expect(envelope.organizationID == before.id)
      let event = try Maac_Admin_V1_OrganizationUpdated(unpackingAny: envelope.payload)
      #expect(!event.created)
      #expect(event.organizationID == before.id && event.uuid == before.uuid)
      #expect(event.name == "Acme Japan" && event.region == .jp)
      #expect(event.timezone == "Asia/Tokyo" && !event.active)
      #expect(event.eventID == envelope.sequence)
    }
  }

  @Test(
    "ops.proto: only the masked fields change; a region set to UNSPECIFIED under the mask clears it; an empty time zone under the mask is Asia/Taipei, as on creation"
  )
  func onlyMaskedFields() async throws {
    try await AdminHarness.run { admin in
      let before = try await createAcme(admin)
      let renamed = try await admin.ops.updateOrganization(
        update(before.id, ["name"]) {
          $0.name = "Acme 2"
          $0.region = .th
          $0.timezone = "Asia/Bangkok"
        }, metadata: AdminHarness.operatorCaller)
      #expect(renamed.name == "Acme 2" && renamed.region == .tw)
      #expect(renamed.timezone == "Asia/Taipei" && renamed.active)

      _ = try await admin.ops.updateOrganization(
        update(before.id, ["timezone"]) { $0.timezone = "Asia/Bangkok" },
        metadata: AdminHarness.operatorCaller)
      let cleared = try await admin.ops.updateOrganization(
        update(before.id, ["region", "timezone"]) { _ in }, metadata: AdminHarness.operatorCaller)
      #expect(cleared.region == .unspecified && cleared.timezone == "Asia/Taipei")
      #expect(cleared.name == "Acme 2")
    }
  }

  @Test("R6 + ops.proto: an update that changes nothing writes nothing and emits no event")
  func noOp() async throws {
    try await AdminHarness.run { admin in
      let before = try await createAcme(admin)
      let sequence = try await admin.lastSequence()
      let same = try await admin.ops.updateOrganization(
        update(before.id, ["name", "region", "timezone", "active"]) {
          $0.name = "Acme"
          $0.region = .tw
          $0.timezone = "Asia/Taipei"
          $0.active = true
        }, metadata: AdminHarness.operatorCaller)
      #expect(same == before)
      #expect(try await admin.lastSequence() == sequence)
      #expect(try await admin.count("outbox_events") == sequence)
    }
  }

  @Test(
    "ops.proto errors: organization_id <= 0, an empty mask and an unknown path (INVALID_ARGUMENT naming update_mask and the path); invalid values named as CreateOrganization names them; NOT_FOUND ORGANIZATION_NOT_FOUND; nothing changes"
  )
  func errors() async throws {
    try await AdminHarness.run { admin in
      let before = try await createAcme(admin)
      let sequence = try await admin.lastSequence()
      let caller = AdminHarness.operatorCaller
      let cases: [(Maac_Admin_V1_UpdateOrganizationRequest, String, String?)] = [
        (update(0, ["name"]) { $0.name = "X" }, "organization_id", nil),
        (update(before.id, []) { _ in }, "update_mask", "at least one path"),
        (update(before.id, ["name", "uuid"]) { $0.name = "X" }, "update_mask", "`uuid`"),
        (update(before.id, ["timezone"]) { $0.timezone = "PST" }, "timezone", "IANA"),
        (update(before.id, ["timezone"]) { $0.timezone = "GMT+8" }, "timezone", "IANA"),
        (update(before.id, ["name"]) { $0.name = "" }, "name", "required"),
        (update(before.id, ["name"]) { $0.name = "   " }, "name", "blank"),
        (
          update(before.id, ["name"]) { $0.name = String(repeating: "名", count: 256) }, "name",
          "255"
        ),
        (update(before.id, ["region"]) { $0.region = .UNRECOGNIZED(9) }, "region", "region"),
      ]
      for (request, field, fragment) in cases {
        let error = await rpcError {
          try await admin.ops.updateOrganization(request, metadata: caller)
        }
        #expect(error?.code == .invalidArgument, "\(field)")
        #expect(error?.reason == "BAD_REQUEST")
        #expect(error?.field == field)
        if let fragment {
          #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
        }
      }

      let unknown = await rpcError {
        try await admin.ops.updateOrganization(
          update(424_242, ["name"]) { $0.name = "X" }, metadata: caller)
      }
      #expect(unknown?.code == .notFound && unknown?.reason == "ORGANIZATION_NOT_FOUND")

      #expect(try await admin.lastSequence() == sequence)
      let settings = try await admin.internalAPI.getOrganization(
        .with { $0.organizationID = before.id }, metadata: AdminHarness.tenant(before.id))
      #expect(settings == before)
    }
  }
}
