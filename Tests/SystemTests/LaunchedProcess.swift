import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit

/// A service executable started by a test on its own schema and port, logging to a file.
final class LaunchedProcess {
  let process = Process()
  let address: HostAndPort
  let log: URL

  init(_ service: LaunchedService, database: ServiceDatabase) throws {
    let port = try FreePort.pick()
    address = HostAndPort(host: "127.0.0.1", port: port)
    log = FileManager.default.temporaryDirectory.appendingPathComponent("\(database.name).log")
    process.executableURL = LaunchedService.binaryDirectory.appendingPathComponent(
      service.executable)
    process.environment = ProcessInfo.processInfo.environment.merging([
      "MAAC_DATABASE_URL": database.url,
      "MAAC_DATABASE_SCHEMA": database.name,
      "MAAC_LISTEN": "127.0.0.1:\(port)",
      "MAAC_LOG_LEVEL": "warning",
    ]) { $1 }
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let output = try FileHandle(forWritingTo: log)
    process.standardOutput = output
    process.standardError = output
    try process.run()
  }

  deinit {
    if process.isRunning { process.terminate() }
  }

  /// What it logged so far.
  var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  /// Polls gRPC health for up to 20 s; returns the last status seen.
  func waitUntilServing() async throws -> Grpc_Health_V1_HealthCheckResponse.ServingStatus? {
    var status: Grpc_Health_V1_HealthCheckResponse.ServingStatus?
    for _ in 0..<200 where status != .serving && process.isRunning {
      status = try? await withTestClient(to: address) { client in
        try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init()).status
      }
      if status != .serving { try await Task.sleep(for: .milliseconds(100)) }
    }
    return status
  }
}
