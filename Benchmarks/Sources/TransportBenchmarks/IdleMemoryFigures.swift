import Foundation

/// The idle-streams memory figures of one transport, passed from the child process that
/// measured them as one line of text.
struct IdleMemoryFigures: Sendable {
  var baselineBytes: Int
  var openBytes: Int

  var line: String { "idle-memory baseline=\(self.baselineBytes) open=\(self.openBytes)" }

  init(baselineBytes: Int, openBytes: Int) {
    self.baselineBytes = baselineBytes
    self.openBytes = openBytes
  }

  init?(line: Substring) {
    let fields = line.split(separator: " ")
    guard fields.count == 3, fields[0] == "idle-memory",
      let baseline = fields[1].split(separator: "=").last.flatMap({ Int($0) }),
      let open = fields[2].split(separator: "=").last.flatMap({ Int($0) })
    else { return nil }
    self.init(baselineBytes: baseline, openBytes: open)
  }

  /// Runs `idle-memory` in a child process of this executable, so each transport's figure
  /// starts from a fresh heap.
  static func measureInChildProcess(transport: TransportUnderTest, streams: Int) throws -> Self {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = [
      "idle-memory", "--transport", transport.rawValue, "--streams", String(streams),
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
      let figures = text.split(separator: "\n").lazy.compactMap(Self.init(line:)).first
    else {
      throw BenchmarkError(
        "idle-memory over \(transport.rawValue) failed (status \(process.terminationStatus)): \(text)"
      )
    }
    return figures
  }
}
