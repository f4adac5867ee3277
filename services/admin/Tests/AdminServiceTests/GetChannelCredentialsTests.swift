import AdminService
import GRPCCore
import MAACContracts
import ServiceKit
import Testing

@Suite("AdminInternal/GetChannelCredentials over gRPC and PostgreSQL (A22, allow-list)")
struct GetChannelCredentialsTests {
  private func request(_ channelID: Int64) -> Maac_Admin_V1_GetChannelCredentialsRequest {
    var request = Maac_Admin_V1_GetChannelCredentialsRequest()
    request.channelID = channelID
    return request
  }

  @Test(
    "A22 + internal.proto: an allowed service caller receives each non-email channel's credentials, in the set of its type"
  )
  func allowedCallerReadsEveryType() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let organization = provisioned.organization.id
      let byType = Dictionary(uniqueKeysWithValues: provisioned.channels.map { ($0.type, $0.id) })
      for service in ["contacts", "line-adapter"] {
        let caller = AdminHarness.service(service, organization: organization)
        let line = try await admin.internalAPI.getChannelCredentials(
          request(byType[.line]!), metadata: caller)
        #expect(line.line.channelSecret == Secrets.lineSecret)
        #expect(line.line.channelAccessToken == Secrets.lineToken)
      }
      for (type, service) in [
        (Maac_Common_V1_ChannelType.facebook, "facebook-adapter"),
        (.instagram, "instagram-adapter"),
      ] {
        let meta = try await admin.internalAPI.getChannelCredentials(
          request(byType[type]!),
          metadata: AdminHarness.service(service, organization: organization))
        #expect(meta.meta.accessToken == Secrets.metaToken)
        #expect(meta.meta.appSecret == Secrets.metaSecret)
      }
      let whatsapp = try await admin.internalAPI.getChannelCredentials(
        request(byType[.whatsapp]!),
        metadata: AdminHarness.service("whatsapp-adapter", organization: organization)
      ).whatsapp
      #expect(whatsapp.phoneNumberID == "1065" && whatsapp.businessAccountID == "1022")
      #expect(whatsapp.accessToken == Secrets.whatsappToken)
      #expect(whatsapp.appSecret == Secrets.whatsappSecret)
      let sms = try await admin.internalAPI.getChannelCredentials(
        request(byType[.sms]!),
        metadata: AdminHarness.service("sms-adapter", organization: organization)
      ).sms
      #expect(sms.provider == "every8d" && sms.apiKey == Secrets.smsKey && sms.senderID == "MAAC")
    }
  }

  @Test(
    "Allow-list: a user, a service not on the list and system:email are PERMISSION_DENIED FORBIDDEN, revealing nothing; a listed service reads only its kinds (contacts: LINE); a configured list replaces the standard one"
  )
  func allowList() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let organization = provisioned.organization.id
      let line = provisioned.channels.first { $0.type == .line }!.id
      let refused = [
        AdminHarness.tenant(organization),
        AdminHarness.service("tags", organization: organization),
        AdminHarness.service("email", organization: organization),
      ]
      for caller in refused {
        // A missing channel and a real one answer the same: the caller learns nothing.
        for id in [line, 999_999] {
          let error = await rpcError {
            try await admin.internalAPI.getChannelCredentials(request(id), metadata: caller)
          }
          #expect(error?.code == .permissionDenied)
          #expect(error?.reason == "FORBIDDEN")
          #expect(!Secrets.all.contains { error?.message.contains($0) == true })
        }
      }
    }
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let contacts = AdminHarness.service("contacts", organization: provisioned.organization.id)
      for channel in provisioned.channels where channel.type != .line && channel.type != .email {
        let error = await rpcError {
          try await admin.internalAPI.getChannelCredentials(request(channel.id), metadata: contacts)
        }
        #expect(error?.code == .permissionDenied && error?.reason == "FORBIDDEN", "\(channel.type)")
        #expect(!Secrets.all.contains { error?.message.contains($0) == true })
      }
    }
    let configured = "system:line-adapter=line+sms, user-1=line,system:=line,system:x=email,bad"
    let callers = CredentialCallers.configured(by: [
      CredentialCallers.environmentVariable: configured
    ])
    #expect(callers.allowed == ["system:line-adapter": [.line, .sms]])
    try await AdminHarness.run(credentialCallers: callers) { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let organization = provisioned.organization.id
      let line = provisioned.channels.first { $0.type == .line }!.id
      let contacts = await rpcError {
        try await admin.internalAPI.getChannelCredentials(
          request(line), metadata: AdminHarness.service("contacts", organization: organization))
      }
      #expect(contacts?.code == .permissionDenied)
      let adapter = try await admin.internalAPI.getChannelCredentials(
        request(line), metadata: AdminHarness.service("line-adapter", organization: organization))
      #expect(adapter.line.channelAccessToken == Secrets.lineToken)
    }
  }

  @Test(
    "A1/R1: another organization's channel is NOT_FOUND CHANNEL_NOT_FOUND with the same message as a missing one; an unknown organization is ORGANIZATION_NOT_FOUND"
  )
  func crossOrganization() async throws {
    try await AdminHarness.run { admin in
      let other = try await admin.provision(Secrets.document(name: "Other")).organizations[0]
      let mine = try await admin.provision(Secrets.document(name: "Mine")).organizations[0]
      let foreignLine = other.channels.first { $0.type == .line }!.id
      let caller = AdminHarness.service("contacts", organization: mine.organization.id)
      let foreign = await rpcError {
        try await admin.internalAPI.getChannelCredentials(request(foreignLine), metadata: caller)
      }
      let missing = await rpcError {
        try await admin.internalAPI.getChannelCredentials(request(999_999), metadata: caller)
      }
      #expect(foreign?.code == .notFound && foreign?.reason == "CHANNEL_NOT_FOUND")
      #expect(missing?.code == .notFound && missing?.reason == "CHANNEL_NOT_FOUND")
      #expect(foreign?.message == missing?.message)
      #expect(!Secrets.all.contains { foreign?.message.contains($0) == true })

      let unknown = await rpcError {
        try await admin.internalAPI.getChannelCredentials(
          request(foreignLine), metadata: AdminHarness.service("contacts", organization: 424_242))
      }
      #expect(unknown?.code == .notFound && unknown?.reason == "ORGANIZATION_NOT_FOUND")
    }
  }

  @Test(
    "internal.proto: no stored credentials is FAILED_PRECONDITION CHANNEL_CREDENTIALS_NOT_SET; an email channel is FAILED_PRECONDITION (GetEmailProviderCredentials, R7); channel_id <= 0 is INVALID_ARGUMENT; no x-maac-org-id is UNAUTHENTICATED"
  )
  func errors() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(
        """
        {"organizations": [{"name": "Acme", "channels": [
          {"type": "line", "name": "Bare OA"},
          {"type": "email", "name": "EDM", "email": {"brand_domain": "brand.example"},
           "credentials": {"api_key": "\(Secrets.emailKey)"}}
        ]}]}
        """
      ).organizations[0]
      let caller = AdminHarness.service("contacts", organization: provisioned.organization.id)
      let bare = await rpcError {
        try await admin.internalAPI.getChannelCredentials(
          request(provisioned.channels[0].id), metadata: caller)
      }
      #expect(bare?.code == .failedPrecondition)
      #expect(bare?.reason == "CHANNEL_CREDENTIALS_NOT_SET")

      let email = await rpcError {
        try await admin.internalAPI.getChannelCredentials(
          request(provisioned.channels[1].id), metadata: caller)
      }
      #expect(email?.code == .failedPrecondition)
      #expect(email?.message.contains("GetEmailProviderCredentials") == true)
      #expect(email?.message.contains(Secrets.emailKey) == false)

      for id: Int64 in [0, -3] {
        let invalid = await rpcError {
          try await admin.internalAPI.getChannelCredentials(request(id), metadata: caller)
        }
        #expect(invalid?.code == .invalidArgument)
        #expect(invalid?.field == "channel_id")
      }

      let noOrganization = CallerContext(
        organizationID: nil, userID: "system:contacts", requestID: "r-1"
      ).metadata
      let unauthenticated = await rpcError {
        try await admin.internalAPI.getChannelCredentials(
          request(provisioned.channels[0].id), metadata: noOrganization)
      }
      #expect(unauthenticated?.code == .unauthenticated)
    }
  }
}
