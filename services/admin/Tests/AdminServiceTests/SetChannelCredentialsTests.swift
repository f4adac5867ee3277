import AdminService
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("AdminOps/SetChannelCredentials over gRPC and PostgreSQL (A22, R6)")
struct SetChannelCredentialsTests {
  static let rotatedSecret = "fedcba9876543210fedcba9876543210"
  static let rotatedToken = "line-token-ROTATED-0007"

  private func lineRequest(_ channelID: Int64, secret: String = rotatedSecret)
    -> Maac_Admin_V1_SetChannelCredentialsRequest
  {
    var request = Maac_Admin_V1_SetChannelCredentialsRequest()
    request.channelID = channelID
    var line = Maac_Admin_V1_LineCredentials()
    line.channelSecret = secret
    line.channelAccessToken = Self.rotatedToken
    request.credentials.line = line
    return request
  }

  private func read(_ admin: AdminHarness, organization: Int64, channel: Int64) async throws
    -> Maac_Admin_V1_ChannelCredentials
  {
    var request = Maac_Admin_V1_GetChannelCredentialsRequest()
    request.channelID = channel
    return try await admin.internalAPI.getChannelCredentials(
      request, metadata: AdminHarness.service("line-adapter", organization: organization))
  }

  @Test(
    "ops.proto SetChannelCredentials + R6: replaces the credentials (also on a channel created without any), emits one channel.updated [credentials] without a secret, none when the set is unchanged; A22: GetChannel/ListChannels still carry none"
  )
  func replaces() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(
        """
        {"organizations": [{"name": "Acme", "channels": [
          {"type": "line", "name": "OA", "status": "connected",
           "credentials": {"channel_secret": "\(Secrets.lineSecret)",
                           "channel_access_token": "\(Secrets.lineToken)"}},
          {"type": "line", "name": "Bare OA"}
        ]}]}
        """
      ).organizations[0]
      let organization = provisioned.organization.id
      for channel in provisioned.channels {
        let before = try await admin.lastSequence()
        _ = try await admin.ops.setChannelCredentials(
          lineRequest(channel.id), metadata: AdminHarness.operatorCaller)
        let stored = try await read(admin, organization: organization, channel: channel.id)
        #expect(stored.line.channelSecret == Self.rotatedSecret)
        #expect(stored.line.channelAccessToken == Self.rotatedToken)

        #expect(try await admin.lastSequence() == before + 1)
        let envelope = try #require(try await admin.events(after: before, count: 1).first)
        #expect(envelope.eventType == "channel.updated")
        let event = try Maac_Admin_V1_ChannelUpdated(unpackingAny: envelope.payload)
        #expect(event.channelID == channel.id && event.organizationID == organization)
        #expect(event.changed == [.credentials])
        #expect(event.type == .line)
        let bytes = String(decoding: envelope.payload.value, as: UTF8.self)
        #expect(!bytes.contains(Self.rotatedToken) && !bytes.contains(Self.rotatedSecret))
      }
      #expect(try await admin.count("channel_credentials") == 2)

      // R6: the same set again changes nothing and emits nothing.
      let unchanged = try await admin.lastSequence()
      _ = try await admin.ops.setChannelCredentials(
        lineRequest(provisioned.channels[0].id), metadata: AdminHarness.operatorCaller)
      #expect(try await admin.lastSequence() == unchanged)

      let tenant = AdminHarness.tenant(organization)
      let renderings = [
        try await admin.center.listChannels(.init(), metadata: tenant).jsonString(),
        try await admin.internalAPI.listChannels(.init(), metadata: tenant).jsonString(),
        try await admin.internalAPI.getChannel(
          .with { $0.channelID = provisioned.channels[0].id }, metadata: tenant
        ).jsonString(),
      ]
      for text in renderings {
        #expect(!text.contains(Self.rotatedToken) && !text.contains(Self.rotatedSecret))
      }
    }
  }

  @Test(
    "ops.proto SetChannelCredentials errors: channel_id <= 0 and no credential set are INVALID_ARGUMENT; a set not matching the type or a malformed value names the field without echoing it; an email channel is INVALID_ARGUMENT; an unknown channel is NOT_FOUND; nothing is stored or emitted"
  )
  func errors() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let organization = provisioned.organization.id
      let line = provisioned.channels.first { $0.type == .line }!.id
      let email = provisioned.channels.first { $0.type == .email }!.id
      let sequence = try await admin.lastSequence()
      let operatorCaller = AdminHarness.operatorCaller

      let zero = await rpcError {
        try await admin.ops.setChannelCredentials(lineRequest(0), metadata: operatorCaller)
      }
      #expect(zero?.code == .invalidArgument && zero?.field == "channel_id")

      var empty = Maac_Admin_V1_SetChannelCredentialsRequest()
      empty.channelID = line
      let none = await rpcError {
        try await admin.ops.setChannelCredentials(empty, metadata: operatorCaller)
      }
      #expect(none?.code == .invalidArgument && none?.field == "credentials")

      var meta = Maac_Admin_V1_SetChannelCredentialsRequest()
      meta.channelID = line
      meta.credentials.meta = .with {
        $0.accessToken = Self.rotatedToken
        $0.appSecret = Self.rotatedSecret
      }
      let mismatch = await rpcError {
        try await admin.ops.setChannelCredentials(meta, metadata: operatorCaller)
      }
      #expect(mismatch?.code == .invalidArgument && mismatch?.field == "credentials")

      let malformedSecret = "NOT-HEX-" + Self.rotatedSecret
      let malformed = await rpcError {
        try await admin.ops.setChannelCredentials(
          lineRequest(line, secret: malformedSecret), metadata: operatorCaller)
      }
      #expect(malformed?.code == .invalidArgument)
      #expect(malformed?.field == "credentials.channel_secret")
      #expect(malformed?.message.contains(malformedSecret) == false)

      var emailRequest = Maac_Admin_V1_SetChannelCredentialsRequest()
      emailRequest.channelID = email
      emailRequest.credentials.email = .with { $0.apiKey = "SG.rotated" }
      let onEmail = await rpcError {
        try await admin.ops.setChannelCredentials(emailRequest, metadata: operatorCaller)
      }
      #expect(onEmail?.code == .invalidArgument && onEmail?.field == "credentials")
      #expect(onEmail?.message.contains("SetEmailProviderCredentials") == true)

      let missing = await rpcError {
        try await admin.ops.setChannelCredentials(lineRequest(999_999), metadata: operatorCaller)
      }
      #expect(missing?.code == .notFound && missing?.reason == "CHANNEL_NOT_FOUND")

      // Nothing changed: the old secrets are still stored, no event was written.
      #expect(try await admin.lastSequence() == sequence)
      let stored = try await read(admin, organization: organization, channel: line)
      #expect(stored.line.channelAccessToken == Secrets.lineToken)
    }
  }
}
