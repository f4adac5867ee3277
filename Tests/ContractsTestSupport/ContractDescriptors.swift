import Foundation
import SwiftProtobuf

/// Compiles the repository's protos with Debian's `protoc` into a descriptor set, so tests
/// judge the protos as they are on disk rather than the generated code.
public enum ContractDescriptors {
  /// Errors that name what could not be done, for test failure messages.
  public enum Failure: Error, CustomStringConvertible {
    case protocFailed(status: Int32, stderr: String)
    case protocNotFound

    public var description: String {
      switch self {
      case .protocFailed(let status, let stderr):
        return "protoc exited with \(status): \(stderr)"
      case .protocNotFound:
        return "protoc not found on PATH (Debian package protobuf-compiler)"
      }
    }
  }

  /// The repository root, found from this file's location (Tests/ContractsTestSupport/...).
  public static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// The folder holding every `.proto` file.
  public static var protosDirectory: URL {
    repositoryRoot.appendingPathComponent("Protos")
  }

  /// The committed compatibility snapshot (refreshed by `Scripts/generate-protos.sh --snapshot`).
  public static var snapshotFile: URL {
    repositoryRoot.appendingPathComponent("Tests/ContractsTests/Snapshot/maac.pb")
  }

  /// Every `.proto` under `Protos/maac`, relative to `Protos/`, in byte order — the same list
  /// and order `Scripts/generate-protos.sh` uses, so the outputs are comparable byte for byte.
  public static func maacProtoFiles() throws -> [String] {
    let root = protosDirectory.appendingPathComponent("maac")
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    var files: [String] = []
    while let next = walker.nextObject() as? String {
      if next.hasSuffix(".proto") { files.append("maac/" + next) }
    }
    return files.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  /// Runs `protoc --include_imports --descriptor_set_out` on the current `Protos/maac`.
  public static func compileCurrent() throws -> Google_Protobuf_FileDescriptorSet {
    let data = try compileCurrentBytes()
    return try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
  }

  /// The raw descriptor set bytes of the current `Protos/maac`.
  public static func compileCurrentBytes() throws -> Data {
    let output = FileManager.default.temporaryDirectory
      .appendingPathComponent("maac-contracts-\(UUID().uuidString).pb")
    defer { try? FileManager.default.removeItem(at: output) }
    try runProtoc(
      ["--include_imports", "--descriptor_set_out=\(output.path)"] + maacProtoFiles())
    return try Data(contentsOf: output)
  }

  /// The committed snapshot.
  public static func loadSnapshot() throws -> Google_Protobuf_FileDescriptorSet {
    try Google_Protobuf_FileDescriptorSet(serializedBytes: Data(contentsOf: snapshotFile))
  }

  /// Runs protoc with `Protos/` as the working directory and include path.
  public static func runProtoc(_ arguments: [String]) throws {
    guard let protoc = findExecutable("protoc") else { throw Failure.protocNotFound }
    let process = Process()
    process.executableURL = protoc
    process.currentDirectoryURL = protosDirectory
    process.arguments = ["-I."] + arguments
    let stderr = Pipe()
    process.standardError = stderr
    try process.run()
    let message = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure.protocFailed(
        status: process.terminationStatus, stderr: String(decoding: message, as: UTF8.self))
    }
  }

  static func findExecutable(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}
