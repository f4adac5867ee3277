import AdminService
import Foundation
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Channel credentials over gRPC and PostgreSQL (A22)")
struct CredentialsTests {
  /// Every secret, in the bytes of `message` (binary) and its JSON and text renderings.
  private func leaked(in message: some SwiftProtobuf.Message) throws -> [String] {
    let binary = String(decoding: try message.serializedBytes() as [UInt8], as: UTF8.self)
    let renderings = [binary, try message.jsonString(), message.textFormatString()]
    return Secrets.all.filter { secret in renderings.contains { $0.contains(secret) } }
  }

  @Test("A22: credentials are stored server-side and never appear in any public response")
  func neverReturned() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme"))
      #expect(try leaked(in: provisioned).isEmpty)
      let organization = provisioned.organizations[0].organization
      let tenant = AdminHarness.tenant(organization.id)

      // Stored: one credential row per channel, holding the secrets.
      let stored = try await admin.pool.query(
        "SELECT kind, secret::text AS secret FROM channel_credentials ORDER BY channel_id")
      #expect(
        try stored.map { try $0.decode("kind", as: String.self) }
          == ["line", "meta", "meta", "whatsapp", "sms", "email"])
      let storedText = try stored.map { try $0.decode("secret", as: String.self) }.joined()
      #expect(Secrets.all.allSatisfy { storedText.contains($0) })

      // CreateChannel with credentials answers without them.
      var create = Maac_Admin_V1_CreateChannelRequest()
      create.organizationID = organization.id
      create.type = .line
      create.name = "Second OA"
      var line = Maac_Admin_V1_LineCredentials()
      line.channelSecret = Secrets.lineSecret
      line.channelAccessToken = Secrets.lineToken
      create.credentials.line = line
      let created = try await admin.ops.createChannel(create, metadata: AdminHarness.operatorCaller)
      #expect(try leaked(in: created).isEmpty)

      // Every read: public list, internal list and lookup of each channel.
      let publicList = try await admin.center.listChannels(.init(), metadata: tenant)
      #expect(publicList.channels.count == 7)
      #expect(try leaked(in: publicList).isEmpty)
      let internalList = try await admin.internalAPI.listChannels(.init(), metadata: tenant)
      #expect(try leaked(in: internalList).isEmpty)
      for channel in publicList.channels {
        var request = Maac_Admin_V1_GetChannelRequest()
        request.channelID = channel.id
        let one = try await admin.internalAPI.getChannel(request, metadata: tenant)
        #expect(try leaked(in: one).isEmpty)
        #expect(one.unknownFields.data.isEmpty)
      }
    }
  }

  @Test(
    "A22: bad credentials are refused naming the field, without echoing the value, and nothing is stored"
  )
  func badCredentials() async throws {
    try await AdminHarness.run { admin in
      let organization = try await admin.provision(Secrets.document(name: "Acme"))
        .organizations[0].organization
      let before = try await admin.count("channels")
      var create = Maac_Admin_V1_CreateChannelRequest()
      create.organizationID = organization.id
      create.type = .whatsapp
      create.name = "WA"
      var meta = Maac_Admin_V1_MetaCredentials()
      meta.accessToken = Secrets.metaToken
      meta.appSecret = "not hex " + Secrets.metaSecret
      create.credentials.meta = meta
      let mismatch = await rpcError {
        try await admin.ops.createChannel(create, metadata: AdminHarness.operatorCaller)
      }
      #expect(mismatch?.code == .invalidArgument)
      #expect(mismatch?.field == "credentials")

      create.type = .facebook
      let malformed = await rpcError {
        try await admin.ops.createChannel(create, metadata: AdminHarness.operatorCaller)
      }
      #expect(malformed?.code == .invalidArgument)
      #expect(malformed?.field == "credentials.app_secret")
      #expect(malformed?.message.contains(Secrets.metaSecret) == false)
      #expect(try await admin.count("channels") == before)
    }
  }
}
