import AdminService
import GRPCCore
import MAACContracts
import SwiftProtobuf
import Testing

@Suite("Admin events (R6)")
struct EventsTests {
  @Test(
    "R6: creation emits organization.updated and channel.updated in the same transaction, served by AdminEvents/Subscribe with event_id = sequence"
  )
  func creationEvents() async throws {
    try await AdminHarness.run { admin in
      let provisioned = try await admin.provision(Secrets.document(name: "Acme")).organizations[0]
      let expected = 1 + provisioned.channels.count
      var request = Maac_Common_V1_SubscribeRequest()
      request.afterSequence = 0
      let envelopes = try await admin.events.subscribe(
        request, metadata: AdminHarness.operatorCaller
      ) {
        response in
        var received: [Maac_Common_V1_EventEnvelope] = []
        for try await envelope in response.messages {
          received.append(envelope)
          if received.count == expected { break }
        }
        return received
      }
      #expect(envelopes.map(\.sequence) == Array(1...Int64(expected)))
      #expect(
        envelopes.map(\.eventType)
          == ["organization.updated"] + Array(repeating: "channel.updated", count: expected - 1))
      #expect(envelopes.allSatisfy { $0.producer == "admin" })
      #expect(envelopes.allSatisfy { $0.organizationID == provisioned.organization.id })

      let organization = try Maac_Admin_V1_OrganizationUpdated(unpackingAny: envelopes[0].payload)
      #expect(organization.eventID == 1 && organization.sequence == 1)
      #expect(organization.created)
      #expect(organization.name == "Acme")
      #expect(organization.timezone == "Asia/Taipei")
      #expect(organization.active)

      let channels = try envelopes.dropFirst().map {
        try Maac_Admin_V1_ChannelUpdated(unpackingAny: $0.payload)
      }
      #expect(channels.map(\.channelID) == provisioned.channels.map(\.id))
      #expect(channels.map(\.eventID) == Array(2...Int64(expected)))
      #expect(channels.allSatisfy { $0.changed == [.created] && $0.enabled })
      #expect(channels.last?.type == .email)
      #expect(channels.last?.healthState == .normal)
      #expect(channels.first?.healthState == .unspecified)
      // A22: events never carry a secret.
      for envelope in envelopes {
        let bytes = String(decoding: envelope.payload.value, as: UTF8.self)
        #expect(!Secrets.all.contains { bytes.contains($0) })
      }
    }
  }

  @Test("R6: a tenant subscriber sees only its own organization's events")
  func tenantScoped() async throws {
    try await AdminHarness.run { admin in
      _ = try await admin.provision(Secrets.document(name: "Other"))
      let mine = try await admin.provision(Secrets.document(name: "Mine")).organizations[0]
      var request = Maac_Common_V1_SubscribeRequest()
      request.eventTypes = ["organization.updated"]
      let first = try await admin.events.subscribe(
        request, metadata: AdminHarness.tenant(mine.organization.id)
      ) { response -> Maac_Common_V1_EventEnvelope? in
        for try await envelope in response.messages { return envelope }
        return nil
      }
      #expect(first?.organizationID == mine.organization.id)
    }
  }
}
