// Prints (never asserts) throughput figures of PostgresClient against a real server:
// COPY of 1,000,000 small rows through the binary and the text path, psql's `\copy` of the
// same rows from a file for comparison, and pooled single-row queries.
//
//   MAAC_TEST_DATABASE_URL=postgresql://... swift run -c release PostgresBenchmarks [rows]

import Foundation
import Logging
import PostgresClient

@main
struct PostgresBenchmarks {
  static func main() async throws {
    try await measure()
  }

  /// Off the main actor: the COPY bodies run on the pool's connections.
  @concurrent static func measure() async throws {
    guard let url = ProcessInfo.processInfo.environment["MAAC_TEST_DATABASE_URL"] else {
      print("set MAAC_TEST_DATABASE_URL to a superuser URL of a scratch cluster")
      exit(2)
    }
    let rows = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
    var logger = Logger(label: "maac.postgres.benchmarks")
    logger.logLevel = .warning
    let pool = PostgresPool(
      configuration: try PostgresConfiguration(url: url), maxConnections: 4, logger: logger)
    let schema = "bench_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    try await pool.execute("CREATE SCHEMA \(identifier: schema)")
    defer { cleanup(url: url, schema: schema) }

    let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(schema).tsv")
    let text = textRows(rows)
    try text.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    print("rows: \(rows), text file: \(text.count / 1_048_576) MiB")

    for table in ["binary_copy", "text_copy", "psql_copy"] {
      try await pool.execute(
        """
        CREATE UNLOGGED TABLE \(identifier: schema).\(identifier: table)
          (id int8, organization int4, name text, score int4)
        """)
    }
    let columns = ["id", "organization", "name", "score"]
    let clock = ContinuousClock()

    let binary = try await clock.measure {
      let loaded = try await pool.copyIn(into: "binary_copy", schema: schema, columns: columns) {
        copy in
        for id in 0..<rows {
          try await copy.appendRow(Int64(id), Int32(id % 97), "contact \(id)", Int32(id % 1000))
        }
      }
      precondition(loaded == rows)
    }
    report("PostgresClient COPY binary (typed appendRow)", rows, binary)

    let textCopy = try await clock.measure {
      let loaded = try await pool.copyIn(
        into: "text_copy", schema: schema, columns: columns, format: .text
      ) { copy in
        let chunk = 1 << 20
        var start = 0
        while start < text.count {
          try await copy.write(text[start..<min(start + chunk, text.count)])
          start += chunk
        }
      }
      precondition(loaded == rows)
    }
    report("PostgresClient COPY text (file bytes)", rows, textCopy)

    let psql = try clock.measure {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
        "\\copy \(schema).psql_copy (\(columns.joined(separator: ", "))) FROM '\(file.path)'",
      ]
      try process.run()
      process.waitUntilExit()
      precondition(process.terminationStatus == 0, "psql failed")
    }
    report("psql \\copy (same file)", rows, psql)

    let queries = 20_000
    let pooled = try await clock.measure {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<4 {
          group.addTask {
            for index in stride(from: worker, to: queries, by: 4) {
              let found = try await pool.query("SELECT \(Int64(index)) AS n")
              let echoed = try found[0].decode("n", as: Int64.self)
              precondition(echoed == Int64(index))
            }
          }
        }
        try await group.waitForAll()
      }
    }
    report("pooled SELECT $1 round trips (4 tasks, 4 connections)", queries, pooled)
    await pool.shutdown()
  }

  static func textRows(_ rows: Int) -> Data {
    var data = Data()
    data.reserveCapacity(rows * 32)
    for id in 0..<rows {
      data.append(contentsOf: "\(id)\t\(id % 97)\tcontact \(id)\t\(id % 1000)\n".utf8)
    }
    return data
  }

  static func report(_ label: String, _ count: Int, _ duration: Duration) {
    let seconds =
      Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    let perSecond = Int(Double(count) / seconds)
    print(
      "\(label): \(String(format: "%.2f", seconds)) s, \(perSecond) per second")
  }

  static func cleanup(url: String, schema: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url, "-X", "-q", "-c", "DROP SCHEMA \(schema) CASCADE"]
    process.standardError = FileHandle.nullDevice
    try? process.run()
    process.waitUntilExit()
  }
}
