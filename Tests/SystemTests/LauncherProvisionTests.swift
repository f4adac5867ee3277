import Foundation
import MAACTestSupport
import Testing

/// `./maac admin provision` (issue #9) run as an operator would, against the real admin
/// center executable and PostgreSQL.
@Suite("Launcher: ./maac admin provision")
struct LauncherProvisionTests {
  /// Runs `./maac admin provision ARGS` with `document` on standard input.
  static func provision(_ document: String, arguments: [String] = [], admin: LaunchedProcess)
    async throws -> CommandRun
  {
    try await CommandRun(
      URL(fileURLWithPath: "/bin/bash"),
      arguments: [
        LaunchedService.repositoryRoot.appendingPathComponent("maac").path, "admin", "provision",
      ]
        + arguments,
      environment: [
        "MAAC_BIN": LaunchedService.binaryDirectory.path,
        "MAAC_ADMIN_ADDRESS": "\(admin.address.host):\(admin.address.port)",
      ],
      input: Data(document.utf8))
  }

  static let admin = LaunchedService.fromServicesList().first { $0.name == "admin" }

  @Test(
    "Issue #9: creates the document's organizations and channels and prints their ids as JSON; an invalid entry creates nothing and exits non-zero naming it"
  )
  func provisionThroughTheLauncher() async throws {
    let service = try #require(Self.admin, "Scripts/services.list has no admin service")
    try await TestDatabase.withServiceDatabase("launcher_admin") { database in
      let admin = try LaunchedProcess(service, database: database)
      let status = try await admin.waitUntilServing()
      try #require(status == .serving, "maac-admin never served; log:\n\(admin.logText)")

      let invalid = try await Self.provision(
        #"{"organizations": [{"name": "Fine"}, {"name": "", "channels": [{"type": "pager", "name": "x"}]}]}"#,
        admin: admin)
      #expect(invalid.status != 0)
      #expect(invalid.output.isEmpty, "nothing is printed as created: \(invalid.output)")
      #expect(invalid.errors.contains("organizations[1].name"), "\(invalid.errors)")

      let created = try await Self.provision(
        #"{"organizations": [{"name": "Launcher Org", "channels": [{"type": "sms", "name": "SMS"}]}]}"#,
        admin: admin)
      #expect(created.status == 0, "\(created.errors)")
      let json = try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any]
      let organizations = json?["organizations"] as? [[String: Any]] ?? []
      #expect(organizations.count == 1)
      #expect(organizations.first?["name"] as? String == "Launcher Org")
      // The invalid run created nothing: the first organization ever created is this one.
      #expect(organizations.first?["id"] as? Int == 1)
      let channels = organizations.first?["channels"] as? [[String: Any]] ?? []
      #expect(channels.map { $0["type"] as? String } == ["sms"])
    }
  }
}
