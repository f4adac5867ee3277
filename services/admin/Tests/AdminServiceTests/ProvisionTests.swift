import AdminService
import GRPCCore
import MAACContracts
import Testing

@Suite("Provision: all or nothing (issue #9)")
struct ProvisionTests {
  @Test(
    "Issue #9: a taken uuid anywhere in the document creates nothing and names every taken path")
  func nothingHalfCreated() async throws {
    try await AdminHarness.run { admin in
      _ = try await admin.provision(Secrets.document(name: "First", uuidSuffix: "0000000000"))
      let counts = [
        try await admin.count("organizations"), try await admin.count("channels"),
        try await admin.count("channel_credentials"),
        try await admin.count("custom_field_definitions"),
        try await admin.count("outbox_events"),
      ]
      // The second document's first organization is new; its second reuses channel uuids.
      let fresh = Secrets.document(name: "Fresh", uuidSuffix: "1111111111")
      let clash = Secrets.document(name: "Clash", uuidSuffix: "0000000000")
      let combined =
        try AdminDomainBridge.plan(fresh).organizations
        + AdminDomainBridge.plan(clash).organizations
      let request = ProvisionRequestBuilder.request(for: .init(organizations: combined))
      let error = await rpcError {
        try await admin.ops.provision(request, metadata: AdminHarness.operatorCaller)
      }
      #expect(error?.code == .alreadyExists)
      #expect(error?.field == "organizations[1].channels[0].uuid")
      #expect(error?.message.contains("organizations[1].channels[5].uuid") == true)
      let after = [
        try await admin.count("organizations"), try await admin.count("channels"),
        try await admin.count("channel_credentials"),
        try await admin.count("custom_field_definitions"),
        try await admin.count("outbox_events"),
      ]
      #expect(after == counts)
    }
  }

  @Test(
    "Issue #9: Provision validates every entry itself and reports each path; nothing is created")
  func serverSideValidation() async throws {
    try await AdminHarness.run { admin in
      var request = Maac_Admin_V1_ProvisionRequest()
      var good = Maac_Admin_V1_ProvisionOrganization()
      good.organization.name = "Good"
      var bad = Maac_Admin_V1_ProvisionOrganization()
      bad.organization.name = "Bad"
      bad.organization.timezone = "Moon/Base"
      var channel = Maac_Admin_V1_CreateChannelRequest()
      channel.type = .sms
      channel.name = "S"
      channel.organizationID = 5
      bad.channels = [channel]
      var field = Maac_Admin_V1_CustomFieldLabel()
      field.slot = 300
      field.label = "x"
      bad.customFields = [field]
      request.organizations = [good, bad]
      let error = await rpcError {
        try await admin.ops.provision(request, metadata: AdminHarness.operatorCaller)
      }
      #expect(error?.code == .invalidArgument)
      for path in [
        "organizations[1].channels[0].organization_id", "organizations[1].timezone",
        "organizations[1].custom_fields[0].slot",
      ] {
        #expect(error?.message.contains(path) == true, "\(path)")
      }
      let empty = await rpcError {
        try await admin.ops.provision(.init(), metadata: AdminHarness.operatorCaller)
      }
      #expect(empty?.field == "organizations")
      let organizations = try await admin.count("organizations")
      #expect(organizations == 0)
    }
  }

  @Test("Issue #9: validate_only checks everything, including taken uuids, and creates nothing")
  func validateOnly() async throws {
    try await AdminHarness.run { admin in
      let plan = try AdminDomainBridge.plan(Secrets.document(name: "A", uuidSuffix: "2222222222"))
      let check = try await admin.ops.provision(
        ProvisionRequestBuilder.request(for: plan, validateOnly: true),
        metadata: AdminHarness.operatorCaller)
      #expect(check.organizations.isEmpty)
      #expect(try await admin.count("organizations") == 0)
      _ = try await admin.ops.provision(
        ProvisionRequestBuilder.request(for: plan), metadata: AdminHarness.operatorCaller)
      let again = await rpcError {
        try await admin.ops.provision(
          ProvisionRequestBuilder.request(for: plan, validateOnly: true),
          metadata: AdminHarness.operatorCaller)
      }
      #expect(again?.code == .alreadyExists)
    }
  }
}
