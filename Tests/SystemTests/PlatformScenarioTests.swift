import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

/// The services as `./maac up` runs them: every database service as its real executable on
/// its own schema, each knowing every other as a peer. What no single service's tests can
/// show: that they work together.
@Suite("Platform: the services together")
struct PlatformScenarioTests {
  /// The launched platform: admin, contacts, tags and CDH, peers of each other.
  struct Platform {
    var processes: [String: LaunchedProcess]

    func address(_ name: String) -> HostAndPort { processes[name]!.address }

    var logs: String {
      processes.map { "--- \($0.key)\n\($0.value.logText)" }.joined(separator: "\n")
    }
  }

  static let names = ["admin", "contacts", "tags", "cdh"]

  /// Starts the platform on fresh schemas, runs `body`, stops everything.
  static func withPlatform(_ body: (Platform) async throws -> Void) async throws {
    let services = LaunchedService.fromServicesList()
    let ports = try Dictionary(uniqueKeysWithValues: names.map { ($0, try FreePort.pick()) })
    let peers = names.map { "\($0)=127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
    try await TestDatabase.withServiceDatabase("sys_admin") { admin in
      try await TestDatabase.withServiceDatabase("sys_contacts") { contacts in
        try await TestDatabase.withServiceDatabase("sys_tags") { tags in
          try await TestDatabase.withServiceDatabase("sys_cdh") { cdh in
            let databases = ["admin": admin, "contacts": contacts, "tags": tags, "cdh": cdh]
            var processes: [String: LaunchedProcess] = [:]
            for name in names {
              let service = try #require(
                services.first { $0.name == name }, "\(name) not in services.list")
              processes[name] = try LaunchedProcess(
                service, database: databases[name], port: ports[name],
                environment: [
                  "MAAC_PEER": peers,
                  "MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS": TestBudgets.organizationLookupMilliseconds,
                ])
            }
            let platform = Platform(processes: processes)
            for name in names {
              let status = try await processes[name]!.waitUntilServing()
              try #require(status == .serving, "\(name) never served; logs:\n\(platform.logs)")
            }
            try await body(platform)
          }
        }
      }
    }
  }

  /// Provisions `document` with the operator command; returns the created organization ids.
  static func provision(_ document: String, admin: HostAndPort) async throws -> [Int64] {
    let run = try await CommandRun(
      LaunchedService.binaryDirectory.appendingPathComponent("maac-admin-provision"),
      arguments: ["--address", "\(admin.host):\(admin.port)"], input: Data(document.utf8))
    let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
    let organizations = json?["organizations"] as? [[String: Any]] ?? []
    return organizations.compactMap { ($0["id"] as? NSNumber)?.int64Value }
  }

  static func tenant(_ organization: Int64, roles: [String] = []) -> Metadata {
    CallerContext(
      organizationID: organization, userID: "system-test", roles: roles,
      requestID: RequestID.generate()
    ).metadata
  }

  static func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
      try await body()
      return nil
    } catch {
      return error as? RPCError
    }
  }

  @Test(
    "Issue #9: every service refuses an organization admin center does not know, and serves one it knows"
  )
  func unknownOrganizationRefusedEverywhere() async throws {
    try await Self.withPlatform { platform in
      let known = try #require(
        try await Self.provision(
          #"{"organizations": [{"name": "Known Org"}]}"#, admin: platform.address("admin")
        ).first)
      let unknown = known + 1000
      // One organization-scoped call per service.
      let probes:
        [(
          service: String,
          call: @Sendable (GRPCClient<NGHTTP2ClientTransport>, Metadata) async throws -> Void
        )] = [
          (
            "contacts",
            {
              _ = try await Maac_Contacts_V1_Contacts.Client(wrapping: $0).getContactStats(
                .init(), metadata: $1)
            }
          ),
          (
            "tags",
            {
              _ = try await Maac_Tags_V1_TagManagerService.Client(wrapping: $0).listTags(
                .init(), metadata: $1)
            }
          ),
          (
            "cdh",
            {
              _ = try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: $0).getUnifySettings(
                .init(), metadata: $1)
            }
          ),
        ]
      for probe in probes {
        try await withTestClient(to: platform.address(probe.service)) { client in
          try await probe.call(client, Self.tenant(known))
          let refused = await Self.rpcError { try await probe.call(client, Self.tenant(unknown)) }
          #expect(refused?.code == .notFound, "\(probe.service): \(String(describing: refused))")
          #expect(
            refused?.message == "organization \(unknown) is not known to admin center",
            "\(probe.service)")
        }
      }
    }
  }

  @Test(
    "contacts created through the contacts service become one CDH profile when they share an email (contacts' events followed by CDH)"
  )
  func contactsFlowIntoProfiles() async throws {
    try await Self.withPlatform { platform in
      let organization = try #require(
        try await Self.provision(
          #"{"organizations": [{"name": "Unify Org"}]}"#, admin: platform.address("admin")
        ).first)
      let metadata = Self.tenant(organization)
      try await withTestClient(to: platform.address("cdh")) { cdhClient in
        let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: cdhClient)
        var keys = Maac_Cdh_V1_UpdateUnifyKeysRequest()
        var key = Maac_Cdh_V1_UnifyKey()
        key.attribute = .displayEmail
        keys.unifyKeys = [key]
        _ = try await settings.updateUnifyKeys(
          keys, metadata: Self.tenant(organization, roles: ["org_admin"]))

        var created: [Int64] = []
        try await withTestClient(to: platform.address("contacts")) { client in
          let contacts = Maac_Contacts_V1_Contacts.Client(wrapping: client)
          for phone in ["+886912345001", "+886912345002"] {
            var request = Maac_Contacts_V1_CreateContactRequest()
            request.channelType = .sms
            request.externalID = phone
            request.fields.displayEmail = "Same.Person@Example.com"
            created.append(try await contacts.createContact(request, metadata: metadata).id)
          }
        }
        let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: cdhClient)
        var members: [Int64] = []
        for _ in 0..<200 {
          var request = Maac_Cdh_V1_ListUnifiedMembersRequest()
          request.member.source = .maac
          request.member.memberID = created[0]
          members =
            (try? await profiles.listUnifiedMembers(request, metadata: metadata).members.map(
              \.memberID))
            ?? []
          if Set(members) == Set(created) { break }
          try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
          Set(members) == Set(created),
          "CDH never unified the two contacts; logs:\n\(platform.logs)")
      }
    }
  }
}
