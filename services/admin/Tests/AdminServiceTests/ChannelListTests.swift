import AdminService
import Foundation
import GRPCCore
import MAACContracts
import Testing

@Suite("Public channel list GET /api/v1/channels (A22, A24, A5)")
struct ChannelListTests {
  @Test(
    "A22: every channel of the caller's organization, all types, ordered by id; email carries channel_information"
  )
  func allTypes() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let tenant = AdminHarness.tenant(provisioned.organization.id)
      let list = try await admin.center.listChannels(.init(), metadata: tenant).channels
      #expect(list.map(\.id) == list.map(\.id).sorted())
      #expect(list.map(\.type) == [.line, .facebook, .instagram, .whatsapp, .sms, .email])
      let email = try #require(list.last)
      #expect(email.email.brandDomain == "brand.example")
      #expect(email.externalChannelID == "brand.example")
      #expect(email.status == .notSet)  // A18: no verified sender profile yet
      #expect(list[0].status == .connected)  // stored (Q13)
      #expect(list[1].status == .notSet)
      #expect(list.dropLast().allSatisfy { $0.info == nil })
      #expect(list.allSatisfy { !$0.uuid.isEmpty && $0.enabled })

      var onlyEmail = Maac_Admin_V1_ListChannelsRequest()
      onlyEmail.type = .email
      let emails = try await admin.center.listChannels(onlyEmail, metadata: tenant).channels
      #expect(emails.map(\.id) == [email.id])
    }
  }

  @Test("A24: channel timestamps are set by the database in UTC and never in the future")
  func timestamps() async throws {
    try await AdminHarness.run { admin in
      let before = Date().addingTimeInterval(-60)
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let list = try await admin.center.listChannels(
        .init(), metadata: AdminHarness.tenant(provisioned.organization.id)
      ).channels
      for channel in list {
        #expect(channel.hasCreatedAt && channel.hasUpdatedAt)
        let created = channel.createdAt.date
        #expect(created > before && created <= Date().addingTimeInterval(60))
        #expect(channel.createdAt == channel.updatedAt)  // untouched since creation
      }
    }
  }

  @Test(
    "A4: an unknown channel type filter and a non-positive channel id are INVALID_ARGUMENT naming the field"
  )
  func badInput() async throws {
    try await AdminHarness.run { admin in
      let organization = try await admin.provision(Secrets.document(name: "Acme"))
        .organizations[0].organization
      let tenant = AdminHarness.tenant(organization.id)
      var request = Maac_Admin_V1_ListChannelsRequest()
      request.type = .UNRECOGNIZED(42)
      let badType = await rpcError {
        try await admin.center.listChannels(request, metadata: tenant)
      }
      #expect(badType?.code == .invalidArgument)
      #expect(badType?.field == "type")
      #expect(badType?.reason == "BAD_REQUEST")
      for id: Int64 in [0, -1] {
        var get = Maac_Admin_V1_GetChannelRequest()
        get.channelID = id
        let error = await rpcError { try await admin.internalAPI.getChannel(get, metadata: tenant) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.field == "channel_id")
      }
    }
  }

  @Test(
    "A5: the public AdminCenter service offers only reads and validate; part-2 RPCs answer UNIMPLEMENTED with a message"
  )
  func readOnlySurface() async throws {
    let methods = [
      Maac_Admin_V1_AdminCenter.Method.ListChannels.descriptor,
      Maac_Admin_V1_AdminCenter.Method.ListSenderDomains.descriptor,
      Maac_Admin_V1_AdminCenter.Method.ListSenderProfiles.descriptor,
      Maac_Admin_V1_AdminCenter.Method.ValidateSenderDomain.descriptor,
      Maac_Admin_V1_AdminCenter.Method.MintExchangeToken.descriptor,
    ]
    #expect(Set(Maac_Admin_V1_AdminCenter.Method.descriptors) == Set(methods))
    try await AdminHarness.run { admin in
      let organization = try await admin.provision(Secrets.document(name: "Acme"))
        .organizations[0].organization
      let tenant = AdminHarness.tenant(organization.id)
      var domains = Maac_Admin_V1_ListSenderDomainsRequest()
      domains.channelID = 1
      let error = await rpcError {
        try await admin.center.listSenderDomains(domains, metadata: tenant)
      }
      #expect(error?.code == .unimplemented)
      #expect(error?.message.contains("ListSenderDomains is not implemented yet") == true)
      var restore = Maac_Admin_V1_RestoreChannelRequest()
      restore.channelID = 1
      let opsError = await rpcError {
        try await admin.ops.restoreChannel(restore, metadata: AdminHarness.operatorCaller)
      }
      #expect(opsError?.code == .unimplemented)
    }
  }
}
