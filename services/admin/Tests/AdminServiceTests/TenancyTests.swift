import AdminService
import GRPCCore
import MAACContracts
import Testing

@Suite("Admin center tenancy over gRPC and PostgreSQL")
struct TenancyTests {
  @Test(
    "A1: another organization's channel is NOT_FOUND with the same status and message as a missing one"
  )
  func foreignChannel() async throws {
    try await AdminHarness.run { admin in
      let a = try await admin.provision(Secrets.document(name: "A")).organizations[0]
      let b = try await admin.provision(Secrets.document(name: "B")).organizations[0]
      let mine = a.channels[0].id
      let theirs = b.channels[0].id

      var request = Maac_Admin_V1_GetChannelRequest()
      request.channelID = mine
      let found = try await admin.internalAPI.getChannel(
        request, metadata: AdminHarness.tenant(a.organization.id))
      #expect(found.id == mine)
      #expect(found.organizationID == a.organization.id)

      request.channelID = theirs
      let foreign = await rpcError {
        try await admin.internalAPI.getChannel(
          request, metadata: AdminHarness.tenant(a.organization.id))
      }
      request.channelID = theirs + 1_000_000
      let missing = await rpcError {
        try await admin.internalAPI.getChannel(
          request, metadata: AdminHarness.tenant(a.organization.id))
      }
      #expect(foreign?.code == .notFound)
      #expect(foreign?.code == missing?.code)
      #expect(foreign?.message == missing?.message)
      #expect(foreign?.message == "Channel not found")
      #expect(foreign?.reason == "CHANNEL_NOT_FOUND")
      #expect(foreign?.reason == missing?.reason)

      // The list is scoped too: A sees exactly its own channels.
      let listed = try await admin.center.listChannels(
        .init(), metadata: AdminHarness.tenant(a.organization.id))
      #expect(listed.channels.map(\.id) == a.channels.map(\.id))
      #expect(listed.channels.allSatisfy { $0.organizationID == a.organization.id })
    }
  }

  @Test(
    "Issue #9: an organization admin center does not know is refused with a clear error, never treated as a tenant"
  )
  func unknownOrganization() async throws {
    try await AdminHarness.run { admin in
      let unknown: Int64 = 987_654
      let tenant = AdminHarness.tenant(unknown)
      var getChannel = Maac_Admin_V1_GetChannelRequest()
      getChannel.channelID = 1
      var createChannel = Maac_Admin_V1_CreateChannelRequest()
      createChannel.organizationID = unknown
      createChannel.type = .line
      createChannel.name = "OA"
      var setField = Maac_Admin_V1_SetCustomFieldDefinitionRequest()
      setField.organizationID = unknown
      setField.slot = 1
      setField.label = "Tier"
      let errors = [
        await rpcError { try await admin.center.listChannels(.init(), metadata: tenant) },
        await rpcError { try await admin.internalAPI.listChannels(.init(), metadata: tenant) },
        await rpcError { try await admin.internalAPI.getChannel(getChannel, metadata: tenant) },
        await rpcError { try await admin.internalAPI.getOrganization(.init(), metadata: tenant) },
        await rpcError {
          try await admin.internalAPI.getOrganizationSettings(.init(), metadata: tenant)
        },
        await rpcError {
          try await admin.internalAPI.listCustomFieldDefinitions(.init(), metadata: tenant)
        },
        await rpcError {
          try await admin.ops.createChannel(createChannel, metadata: AdminHarness.operatorCaller)
        },
        await rpcError {
          try await admin.ops.setCustomFieldDefinition(
            setField, metadata: AdminHarness.operatorCaller)
        },
      ]
      for error in errors {
        #expect(error?.code == .notFound)
        #expect(error?.reason == "ORGANIZATION_NOT_FOUND")
        #expect(error?.message == "organization 987654 is not known to admin center")
      }
      let channels = try await admin.count("channels")
      let definitions = try await admin.count("custom_field_definitions")
      #expect(channels == 0)
      #expect(definitions == 0)
    }
  }

  @Test("Tenancy: a call without x-maac-org-id is UNAUTHENTICATED")
  func missingOrganization() async throws {
    try await AdminHarness.run { admin in
      let anonymous = await rpcError {
        try await admin.center.listChannels(.init(), metadata: AdminHarness.operatorCaller)
      }
      #expect(anonymous?.code == .unauthenticated)
    }
  }

  @Test("Tenancy: a user cannot read another organization by id; a service caller can")
  func organizationByID() async throws {
    try await AdminHarness.run { admin in
      let a = try await admin.provision(Secrets.document(name: "A")).organizations[0]
      let b = try await admin.provision(Secrets.document(name: "B")).organizations[0]
      var byID = Maac_Admin_V1_GetOrganizationRequest()
      byID.organizationID = b.organization.id
      let asUser = await rpcError {
        try await admin.internalAPI.getOrganization(
          byID, metadata: AdminHarness.tenant(a.organization.id))
      }
      #expect(asUser?.code == .notFound)
      // A service (e.g. the gateway checking a token's organization) may ask by id.
      let asService = try await admin.internalAPI.getOrganization(
        byID, metadata: AdminHarness.operatorCaller)
      #expect(asService.id == b.organization.id)
      #expect(asService.name == "B")
    }
  }
}
