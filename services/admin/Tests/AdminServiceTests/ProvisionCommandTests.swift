import AdminService
import Foundation
import MAACContracts
import MAACTestSupport
import Testing

/// Runs the built `maac-admin-provision` binary as a subprocess.
struct ProvisionCommandRun {
  var status: Int32
  var stdout: String
  var stderr: String

  static func binary() throws -> URL {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
    ].map { $0.appendingPathComponent("maac-admin-provision") }
    guard
      let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
    else {
      throw CocoaError(
        .fileNoSuchFile,
        userInfo: [
          NSLocalizedDescriptionKey:
            "maac-admin-provision not built next to the tests: \(candidates)"
        ])
    }
    return found
  }

  static func run(_ arguments: [String], stdin: Data, environment: [String: String] = [:])
    async throws -> ProvisionCommandRun
  {
    let run = try await CommandRun(
      try binary(), arguments: arguments, environment: environment, input: stdin)
    return ProvisionCommandRun(status: run.status, stdout: run.output, stderr: run.errors)
  }
}

@Suite("maac-admin-provision end to end (issue #9)")
struct ProvisionCommandTests {
  static let demo = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("demo/provision.json")

  @Test("Issue #9: the demo document is created over gRPC and the created ids are printed as JSON")
  func demoDocument() async throws {
    try await AdminHarness.run { admin in
      let run = try await ProvisionCommandRun.run(
        ["--address", admin.address.description], stdin: try Data(contentsOf: Self.demo))
      #expect(run.status == 0, "\(run.stderr)")
      let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
      let organizations = try #require(output?["organizations"] as? [[String: Any]])
      #expect(
        organizations.map { $0["name"] as? String } == [
          "Demo Retail Taiwan", "Demo Foods Thailand",
        ])
      let first = organizations[0]
      let id = try #require(first["id"] as? Int64 ?? (first["id"] as? Int).map(Int64.init))
      let channels = try #require(first["channels"] as? [[String: Any]])
      #expect(channels.count == 7)
      // What the command printed exists in admin center.
      let listed = try await admin.center.listChannels(.init(), metadata: AdminHarness.tenant(id))
      #expect(listed.channels.map(\.uuid) == channels.compactMap { $0["uuid"] as? String })
      #expect(
        Set(listed.channels.map(\.type)) == [.line, .email, .sms, .whatsapp, .facebook, .instagram])
      let fields = try await admin.internalAPI.listCustomFieldDefinitions(
        .init(), metadata: AdminHarness.tenant(id))
      #expect(
        fields.definitions.map(\.key).prefix(5) == (1...5).map { "customized_field_\($0)" }[...])
      #expect(!run.stdout.contains("not-real"))  // no credential echoed

      // Loading it again changes nothing and says why.
      let again = try await ProvisionCommandRun.run(
        [], stdin: try Data(contentsOf: Self.demo),
        environment: ["MAAC_ADMIN_ADDRESS": admin.address.description])
      #expect(again.status == 1)
      #expect(
        again.stderr.contains("ALREADY_EXISTS") || again.stderr.contains("alreadyExists")
          || again.stderr.contains("already exists"))
      #expect(again.stderr.contains("nothing was created"))
      #expect(try await admin.count("organizations") == 2)
    }
  }

  @Test(
    "Issue #9: an invalid document exits non-zero listing every invalid entry with its path; nothing is created"
  )
  func invalidDocument() async throws {
    try await AdminHarness.run { admin in
      let document = """
        {"organizations": [
          {"name": "Fine", "channels": [{"type": "line", "name": "OA"}]},
          {"name": "", "timezone": "PST", "channels": [{"type": "email", "name": "EDM"}],
           "custom_fields": [{"slot": 0, "label": "x"}]}
        ]}
        """
      let run = try await ProvisionCommandRun.run(
        ["--address", admin.address.description], stdin: Data(document.utf8))
      #expect(run.status == 2)
      #expect(run.stdout.isEmpty)
      for path in [
        "organizations[1].name:", "organizations[1].timezone:",
        "organizations[1].channels[0].email.brand_domain:",
        "organizations[1].custom_fields[0].slot:",
      ] {
        #expect(run.stderr.contains(path), "\(path) in \(run.stderr)")
      }
      #expect(run.stderr.contains("4 invalid entries; nothing was created"))
      #expect(try await admin.count("organizations") == 0)
      #expect(try await admin.count("channels") == 0)
    }
  }

  @Test("Issue #9: without an address the command refuses clearly and creates nothing")
  func missingAddress() async throws {
    let run = try await ProvisionCommandRun.run(
      [], stdin: try Data(contentsOf: Self.demo), environment: ["MAAC_ADMIN_ADDRESS": ""])
    #expect(run.status == 1)
    #expect(run.stderr.contains("--address HOST:PORT (or MAAC_ADMIN_ADDRESS) is required"))
  }
}
