import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Every service the launcher starts, run as the real executable: it migrates its schema,
/// serves health, and on SIGTERM stops serving and exits 0.
@Suite("Service executables")
struct ServiceProcessLifecycleTests {
  static let services = LaunchedService.fromServicesList().filter { $0.usesDatabase }

  @Test("the launcher's services list is not empty")
  func listIsNotEmpty() {
    #expect(!Self.services.isEmpty, "Scripts/services.list names no service")
  }

  @Test("serves health once migrated, and exits 0 on SIGTERM", arguments: services)
  func gracefulShutdown(service: LaunchedService) async throws {
    try await TestDatabase.withServiceDatabase(service.name) { database in
      let launched = try LaunchedProcess(service, database: database)
      let process = launched.process
      let status = try await launched.waitUntilServing()
      #expect(
        status == .serving, "\(service.executable) never served health; log:\n\(launched.logText)")

      kill(process.processIdentifier, SIGTERM)
      for _ in 0..<200 where process.isRunning {
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(!process.isRunning, "\(service.executable) ignored SIGTERM for 10 s")
      if !process.isRunning {
        #expect(
          process.terminationReason == .exit && process.terminationStatus == 0,
          "\(service.executable) exited with \(process.terminationStatus); log:\n\(launched.logText)"
        )
      }
    }
  }
}

/// One line of Scripts/services.list.
struct LaunchedService: Sendable, CustomTestStringConvertible {
  var name: String
  var port: Int
  var executable: String
  var usesDatabase: Bool

  var testDescription: String { executable }

  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Where `swift build` put the executables: beside the test bundle.
  static let binaryDirectory: URL = {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") {
      url.deleteLastPathComponent()
    }
    return url.deletingLastPathComponent()
  }()

  static func fromServicesList() -> [LaunchedService] {
    let list = repositoryRoot.appendingPathComponent("Scripts/services.list")
    let text = (try? String(contentsOf: list, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard fields.count >= 3, !fields[0].hasPrefix("#"), let port = Int(fields[1]) else {
        return nil
      }
      return LaunchedService(
        name: fields[0], port: port, executable: fields[2],
        usesDatabase: fields.dropFirst(3).first != "nodb")
    }
  }
}
