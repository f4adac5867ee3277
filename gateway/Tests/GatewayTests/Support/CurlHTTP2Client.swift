import Foundation
import MAACTestSupport

/// REST over h2c (HTTP/2 with prior knowledge) through the `curl` command-line client, an
/// HTTP/2 implementation independent of the project's (libcurl on libnghttp2).
struct CurlHTTP2Client {
  let base: String

  struct Reply {
    var httpVersion: String
    var status: Int
    var headers: [(String, String)]
    var body: Data
    var object: [String: Any] {
      (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
    func header(_ name: String) -> String? {
      headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
  }

  struct CurlFailed: Error, CustomStringConvertible {
    var description: String
  }

  func send(
    _ method: String, _ path: String, token: String? = nil, json: String? = nil
  ) async throws -> Reply {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "curl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let headerFile = directory.appendingPathComponent("headers").path
    let bodyFile = directory.appendingPathComponent("body").path
    var arguments = [
      "--silent", "--show-error", "--http2-prior-knowledge", "-X", method, "-D", headerFile, "-o",
      bodyFile, "--max-time", "60",
    ]
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
    arguments.append(base + path)
    let process = Process()
    guard
      let curl = ["/usr/bin/curl", "/usr/local/bin/curl"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      })
    else {
      throw CurlFailed(description: "curl is not installed: the h2c REST tests need it")
    }
    process.executableURL = URL(fileURLWithPath: curl)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    // curl talks to the gateway in this test process: wait on a thread of its own.
    try await offCooperativePool { process.waitUntilExit() }
    guard process.terminationStatus == 0 else {
      let message = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      throw CurlFailed(description: "curl exited \(process.terminationStatus): \(message)")
    }
    let headerText = try String(contentsOfFile: headerFile, encoding: .utf8)
    var lines = headerText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    let statusLine = lines.removeFirst().split(separator: " ")
    let headers = lines.compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (
        String(line[..<colon]),
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      )
    }
    return Reply(
      httpVersion: String(statusLine[0]), status: Int(statusLine[1]) ?? 0, headers: headers,
      body: FileManager.default.contents(atPath: bodyFile) ?? Data())
  }
}
