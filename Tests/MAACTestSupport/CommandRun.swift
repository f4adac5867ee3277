import Foundation

/// One run of a command line tool to completion, with bytes on standard input, waited for off
/// the cooperative pool (see ``offCooperativePool(_:)``).
public struct CommandRun: Sendable {
  public var status: Int32
  /// Standard output.
  public var output: String
  /// Standard error.
  public var errors: String

  public init(
    _ executable: URL, arguments: [String] = [], environment: [String: String] = [:],
    input: Data
  ) async throws {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    // Standard error goes to a file, so a chatty tool never blocks on a full pipe while the
    // test reads standard output.
    let errorLog = FileManager.default.temporaryDirectory
      .appendingPathComponent("command-\(UUID().uuidString).err")
    FileManager.default.createFile(atPath: errorLog.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorLog) }
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = try FileHandle(forWritingTo: errorLog)
    try process.run()
    // Waiting for the tool blocks: keep it off the cooperative pool (see offCooperativePool).
    let out = try await offCooperativePool {
      stdin.fileHandleForWriting.write(input)
      try stdin.fileHandleForWriting.close()
      let out = stdout.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return out
    }
    status = process.terminationStatus
    output = String(decoding: out, as: UTF8.self)
    errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
  }
}
