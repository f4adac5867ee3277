import AdminService
import GRPCCore
import MAACContracts
import Testing

@Suite("Ops RPCs: organizations, channels, custom fields (spec §3.1, §3.9)")
struct OpsTests {
  @Test(
    "§3.1: CreateOrganization defaults to Asia/Taipei and active; GetOrganizationSettings answers them"
  )
  func organizationDefaults() async throws {
    try await AdminHarness.run { admin in
      var request = Maac_Admin_V1_CreateOrganizationRequest()
      request.name = "Acme"
      request.region = .tw
      let created = try await admin.ops.createOrganization(
        request, metadata: AdminHarness.operatorCaller)
      #expect(created.id > 0)
      #expect(created.timezone == "Asia/Taipei")
      #expect(created.active)
      #expect(created.region == .tw)
      #expect(created.uuid.count == 36)
      let settings = try await admin.internalAPI.getOrganizationSettings(
        .init(), metadata: AdminHarness.tenant(created.id))
      #expect(settings.organizationID == created.id)
      #expect(settings.timezone == "Asia/Taipei")
      #expect(settings.region == .tw)
      #expect(settings.active)
      let own = try await admin.internalAPI.getOrganization(
        .init(), metadata: AdminHarness.tenant(created.id))
      #expect(own == created)
    }
  }

  @Test("Bad input: CreateOrganization names every invalid field; a taken uuid is ALREADY_EXISTS")
  func organizationErrors() async throws {
    try await AdminHarness.run { admin in
      var request = Maac_Admin_V1_CreateOrganizationRequest()
      request.name = ""
      request.timezone = "GMT+8"
      let invalid = await rpcError {
        try await admin.ops.createOrganization(request, metadata: AdminHarness.operatorCaller)
      }
      #expect(invalid?.code == .invalidArgument)
      #expect(invalid?.field == "name")
      #expect(invalid?.message.contains("timezone: must be an IANA time-zone name") == true)

      request.name = "Acme"
      request.timezone = "Asia/Tokyo"
      request.uuid = "431c1b10-af57-4402-ad3e-df7da3cb0e2a"
      _ = try await admin.ops.createOrganization(request, metadata: AdminHarness.operatorCaller)
      let taken = await rpcError {
        try await admin.ops.createOrganization(request, metadata: AdminHarness.operatorCaller)
      }
      #expect(taken?.code == .alreadyExists)
      #expect(try await admin.count("organizations") == 1)
    }
  }

  @Test("§3.2: CreateChannel of every type; email needs a brand domain; status rules per type")
  func createChannels() async throws {
    try await AdminHarness.run { admin in
      var organization = Maac_Admin_V1_CreateOrganizationRequest()
      organization.name = "Acme"
      let org = try await admin.ops.createOrganization(
        organization, metadata: AdminHarness.operatorCaller)
      for type in [Maac_Common_V1_ChannelType.line, .facebook, .instagram, .whatsapp, .sms] {
        var request = Maac_Admin_V1_CreateChannelRequest()
        request.organizationID = org.id
        request.type = type
        request.name = "\(type)"
        let channel = try await admin.ops.createChannel(
          request, metadata: AdminHarness.operatorCaller)
        #expect(channel.type == type)
        #expect(channel.status == .notSet)
      }
      var email = Maac_Admin_V1_CreateChannelRequest()
      email.organizationID = org.id
      email.type = .email
      email.name = "EDM"
      let missing = await rpcError {
        try await admin.ops.createChannel(email, metadata: AdminHarness.operatorCaller)
      }
      #expect(missing?.field == "email.brand_domain")
      email.email.brandDomain = "acme.example"
      email.status = .connected
      let withStatus = await rpcError {
        try await admin.ops.createChannel(email, metadata: AdminHarness.operatorCaller)
      }
      #expect(withStatus?.field == "status")
      email.status = .unspecified
      let created = try await admin.ops.createChannel(email, metadata: AdminHarness.operatorCaller)
      #expect(created.email.brandDomain == "acme.example")
      #expect(created.status == .notSet)
      #expect(try await admin.count("channels") == 6)
      #expect(try await admin.count("email_channel_settings") == 1)
    }
  }

  @Test(
    "§3.9: custom-field labels per slot, replaced in place, listed by slot with keys; R8 empty list"
  )
  func customFields() async throws {
    try await AdminHarness.run { admin in
      var organization = Maac_Admin_V1_CreateOrganizationRequest()
      organization.name = "Acme"
      let org = try await admin.ops.createOrganization(
        organization, metadata: AdminHarness.operatorCaller)
      let tenant = AdminHarness.tenant(org.id)
      #expect(
        try await admin.internalAPI.listCustomFieldDefinitions(.init(), metadata: tenant)
          .definitions.isEmpty)
      for (slot, label) in [(200, "Last"), (1, "Tier"), (1, "會員等級"), (5, "Store")] {
        var request = Maac_Admin_V1_SetCustomFieldDefinitionRequest()
        request.organizationID = org.id
        request.slot = Int32(slot)
        request.label = label
        let stored = try await admin.ops.setCustomFieldDefinition(
          request, metadata: AdminHarness.operatorCaller)
        #expect(stored.key == "customized_field_\(slot)")
      }
      let listed = try await admin.internalAPI.listCustomFieldDefinitions(.init(), metadata: tenant)
        .definitions
      #expect(listed.map(\.slot) == [1, 5, 200])
      #expect(
        listed.map(\.key) == ["customized_field_1", "customized_field_5", "customized_field_200"])
      #expect(listed.map(\.label) == ["會員等級", "Store", "Last"])

      for (slot, label, field) in [
        (201, "x", "slot"), (0, "x", "slot"), (3, String(repeating: "長", count: 51), "label"),
      ] {
        var request = Maac_Admin_V1_SetCustomFieldDefinitionRequest()
        request.organizationID = org.id
        request.slot = Int32(slot)
        request.label = label
        let error = await rpcError {
          try await admin.ops.setCustomFieldDefinition(
            request, metadata: AdminHarness.operatorCaller)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.field == field)
      }
      #expect(try await admin.count("custom_field_definitions") == 3)
    }
  }
}
