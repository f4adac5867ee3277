import ContactsDomain
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import MAACContracts
import PostgresClient
import ServiceKit

// contacts-benchmark: imports N contacts (default 1,000,000) by CSV through the contacts
// service over RPC, compares with a plain COPY of the same rows, then measures lookups and a
// list page. Prints figures; asserts nothing.
//
//   MAAC_TEST_DATABASE_URL=postgresql://admin@host/db contacts-benchmark [--rows N] [--batch N]

/// The benchmark, outside the main actor so that its closures may cross isolation freely.
enum Benchmark {
  static func run() async throws {
    let arguments = CommandLine.arguments
    func option(_ name: String, _ fallback: Int) -> Int {
      guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
        return fallback
      }
      return Int(arguments[index + 1]) ?? fallback
    }
    let rowCount = option("--rows", 1_000_000)
    let batchSize = option("--batch", 5000)
    let lookups = option("--lookups", 1000)
    guard let adminURL = ProcessInfo.processInfo.environment["MAAC_TEST_DATABASE_URL"] else {
      print("set MAAC_TEST_DATABASE_URL to a superuser URL of the cluster to measure")
      exit(2)
    }

    func peakMemoryMiB() -> Double {
      guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
      else { return 0 }
      let kib = Double(line.split(separator: " ").compactMap { Double($0) }.first ?? 0)
      return kib / 1024
    }

    // CPU seconds of this process (client, service and generator) and of the PostgreSQL
    // cluster (the postmaster, its live children and the children it has reaped): the machine
    // is shared, so wall-clock figures depend on the load; CPU per row does much less.
    func processCPUSeconds() -> Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
    func stat(_ pid: Int) -> [Substring]? {
      guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
      else { return nil }
      // Fields after the command name, which may hold spaces: state is field 3.
      return text[text.index(after: close)...].split(separator: " ")
    }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    func clusterCPUSeconds(postmaster: Int) -> Double {
      var total = 0.0
      if let own = stat(postmaster), own.count > 15 {
        // utime, stime, cutime, cstime are fields 14-17 (indices 11-14 after the name).
        total += (11...14).compactMap { Double(own[$0]) }.reduce(0, +) / ticks
      }
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      for entry in entries {
        guard let pid = Int(entry), let fields = stat(pid), fields.count > 13,
          Int(fields[1]) == postmaster
        else { continue }
        total += (11...12).compactMap { Double(fields[$0]) }.reduce(0, +) / ticks
      }
      return total
    }

    func percentile(_ values: [Double], _ p: Double) -> Double {
      let sorted = values.sorted()
      return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    func elapsed(since start: ContinuousClock.Instant) -> Double {
      let d = ContinuousClock.now - start
      return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    var logger = Logger(label: "contacts-benchmark")
    logger.logLevel = .warning
    let org: Int64 = 1
    let lineChannel: Int64 = 11

    // The machine is shared: every figure below depends on its load, so print it with them.
    func loadAverage() -> String {
      (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ")
        .prefix(3).joined(separator: " ") ?? "?"
    }
    print("generating \(rowCount) rows; load average \(loadAverage())")
    func uid(_ n: Int) -> String { "U" + String(format: "%032x", n) }
    func phone(_ n: Int) -> String { "09" + String(format: "%08d", n) }
    func generate() -> [UInt8] {
      var bytes = [UInt8]()
      bytes.reserveCapacity(rowCount * 110)
      bytes += Array("line_uid,name,phone,customer_id,email\n".utf8)
      for n in 1...rowCount {
        bytes += Array("\(uid(n)),Name \(n),\(phone(n)),C\(n),user\(n)@example.com\n".utf8)
      }
      return bytes
    }
    let csv = generate()
    print(String(format: "file: %.1f MiB", Double(csv.count) / 1_048_576))

    let admin = PostgresPool(
      configuration: try PostgresConfiguration(url: adminURL), maxConnections: 2, logger: logger)
    let schema = "contacts_bench_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    let password = UUID().uuidString
    let provisioner = PostgresProvisioner(admin: admin)
    let serviceConfiguration = try await provisioner.provisionService(schema, password: password)
    var components = URLComponents(string: adminURL)!
    components.user = schema
    components.password = password
    let serviceURL = components.string!

    let backend = try await admin.query("SELECT pg_backend_pid() AS pid")
    let backendPID = Int(try backend[0].decode("pid", as: Int32.self))
    let postmaster = stat(backendPID).flatMap { Int($0[1]) } ?? 0

    // Baseline: a plain COPY of the same rows into a table of the same columns.
    let copyPool = PostgresPool(
      configuration: serviceConfiguration, maxConnections: 1, logger: logger)
    _ = try await copyPool.execute(
      "CREATE TABLE copy_baseline (line_uid text, name text, phone text, customer_id text, email text)"
    )
    let copyStart = ContinuousClock.now
    let copyCPU = (process: processCPUSeconds(), cluster: clusterCPUSeconds(postmaster: postmaster))
    try await copyPool.withConnection { connection in
      _ = try await connection.copyIn(
        statement: "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)", format: .csv
      ) { copy in
        var offset = 0
        while offset < csv.count {
          try await copy.write(csv[offset..<min(csv.count, offset + 1 << 20)])
          offset += 1 << 20
        }
      }
    }
    let copySeconds = elapsed(since: copyStart)
    await copyPool.shutdown()
    let copyClusterCPU = clusterCPUSeconds(postmaster: postmaster) - copyCPU.cluster
    let copyProcessCPU = processCPUSeconds() - copyCPU.process
    print(
      String(format: "plain COPY: %.2f s, %.0f rows/s", copySeconds, Double(rowCount) / copySeconds)
    )
    print(
      String(
        format: "  CPU per row: PostgreSQL %.2f µs, this process %.2f µs",
        copyClusterCPU / Double(rowCount) * 1e6, copyProcessCPU / Double(rowCount) * 1e6))

    // The service, in this process, on its own schema.
    let process = ServiceProcess(
      name: "contacts",
      configuration: ServiceConfiguration(
        databaseURL: serviceURL, databaseSchema: schema, databasePoolSize: 8, logLevel: .warning))
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    let service = ContactsService(
      process: process, pool: pool,
      directory: StaticOrganizationDirectory(channels: [
        org: [ChannelInfo(id: lineChannel, type: .line)]
      ]),
      importBatchSize: batchSize)
    let (addresses, continuation) = AsyncStream.makeStream(of: HostAndPort.self)
    let server = Task {
      try await process.serve(
        services: service.services, tenancy: service.tenancy, background: service.background,
        onListening: { continuation.yield($0) })
    }
    var address: HostAndPort?
    for await bound in addresses {
      address = bound
      break
    }
    guard let address else { fatalError("the service did not start") }

    let metadata = CallerContext(organizationID: org, userID: "benchmark", requestID: "bench")
      .metadata
    let serviceMetadata = CallerContext(
      organizationID: org, userID: "system:benchmark", requestID: "bench"
    ).metadata
    let importSecondsTotal = try await withGRPCClient(
      transport: NGHTTP2ClientTransport(target: .ipv4(host: address.host, port: address.port))
    ) {
      client -> Double in
      let contacts = Maac_Contacts_V1_Contacts.Client(wrapping: client)
      let internals = Maac_Contacts_V1_ContactsInternal.Client(wrapping: client)
      let importStart = ContinuousClock.now
      let importCPU = (
        process: processCPUSeconds(), cluster: clusterCPUSeconds(postmaster: postmaster)
      )
      let upload = try await contacts.uploadImportFile(metadata: metadata) { writer in
        var offset = 0
        while offset < csv.count {
          var chunk = Maac_Contacts_V1_FileChunk()
          chunk.data = Data(csv[offset..<min(csv.count, offset + 1 << 20)])
          if offset == 0 { chunk.fileName = "bench.csv" }
          try await writer.write(chunk)
          offset += 1 << 20
        }
      }
      var create = Maac_Contacts_V1_CreateImportTaskRequest()
      create.target = .line
      create.key = .lineUid
      create.channelID = lineChannel
      create.defaultCountry = "TW"
      create.uploadID = upload.uploadID
      let uploadSeconds = elapsed(since: importStart)
      let task = try await contacts.createImportTask(create, metadata: metadata)
      var get = Maac_Contacts_V1_GetImportTaskRequest()
      get.taskID = task.taskID
      var state = task
      while state.status != .succeeded && state.status != .failed {
        try await Task.sleep(for: .milliseconds(250))
        state = try await contacts.getImportTask(get, metadata: metadata)
      }
      let importSeconds = elapsed(since: importStart)
      let importClusterCPU = clusterCPUSeconds(postmaster: postmaster) - importCPU.cluster
      let importProcessCPU = processCPUSeconds() - importCPU.process
      print(
        String(
          format:
            "import (upload + task): %.2f s, %.0f rows/s, status %@, created %lld, failed %lld",
          importSeconds, Double(rowCount) / importSeconds, "\(state.status)", state.createdCount,
          state.failedCount))
      print(
        String(
          format: "  of which upload %.2f s, task %.2f s (%.0f rows/s)", uploadSeconds,
          importSeconds - uploadSeconds, Double(rowCount) / (importSeconds - uploadSeconds)))
      print(
        String(
          format: "  CPU per row: PostgreSQL %.2f µs, this process (client + service) %.2f µs",
          importClusterCPU / Double(rowCount) * 1e6, importProcessCPU / Double(rowCount) * 1e6))
      print(
        String(
          format: "ratio to plain COPY (COPY time / import time): %.3f", copySeconds / importSeconds
        ))
      print(
        String(
          format: "ratio of CPU (COPY CPU / import CPU, both sides): %.3f",
          (copyClusterCPU + copyProcessCPU) / (importClusterCPU + importProcessCPU)))
      print(
        String(
          format: "peak memory (VmHWM, client + service + generated file): %.0f MiB",
          peakMemoryMiB()))

      // Lookups are measured at rest, as an organization's contacts are between imports: the
      // import left gigabytes of dirty pages, and while the checkpointer writes them out every
      // read waits on the disk (p99 of direct SQL lookups 2-6 ms right after a 1M import);
      // and a million fresh rows start autovacuum on every table the import wrote, which on
      // two cores takes one of them from the lookups for minutes. The maintenance a bulk load
      // calls for runs first, then the dirty pages are flushed; both are timed.
      let maintenanceStart = ContinuousClock.now
      let tables = try await admin.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", [schema])
      for row in tables {
        let table = try row.decode("tablename", as: String.self)
        _ = try await admin.execute("VACUUM (ANALYZE) \(identifier: schema).\(identifier: table)")
      }
      print(
        String(
          format: "VACUUM (ANALYZE) of the service's %d tables after the import: %.2f s",
          tables.count, elapsed(since: maintenanceStart)))
      let checkpointStart = ContinuousClock.now
      _ = try await admin.execute("CHECKPOINT")
      print(String(format: "checkpoint after the import: %.2f s", elapsed(since: checkpointStart)))

      func measure(_ name: String, _ call: (Int) async throws -> Int) async throws {
        var samples: [Double] = []
        var found = 0
        for i in 0..<lookups {
          let n = Int.random(in: 1...rowCount)
          let start = ContinuousClock.now
          found += try await call(n)
          samples.append(elapsed(since: start) * 1000)
          _ = i
        }
        print(
          String(
            format: "%@: p50 %.2f ms, p99 %.2f ms (%d calls, %d hits)", name,
            percentile(samples, 0.5),
            percentile(samples, 0.99), lookups, found))
      }
      func lookup(_ configure: @escaping (inout Maac_Contacts_V1_IdentifierQuery, Int) -> Void) -> (
        Int
      ) async throws -> Int {
        { n in
          var request = Maac_Contacts_V1_LookupContactsRequest()
          configure(&request.query, n)
          return try await internals.lookupContacts(request, metadata: serviceMetadata).contacts
            .count
        }
      }
      // Reference: the service's lookup queries run directly on PostgreSQL (no RPC, no mapping).
      func direct(_ condition: String, _ value: @escaping (Int) -> String) -> (Int)
        async throws -> Int
      {
        { n in
          try await pool.query(
            """
            SELECT * FROM (SELECT * FROM contact
              WHERE organization_id = $1 AND deleted_at IS NULL AND \(condition) OFFSET 0) m
            ORDER BY created_at DESC, id DESC LIMIT 100
            """, [org, value(n)]
          ).count
        }
      }
      try await measure(
        "  direct SQL by LINE UID", direct("channel_type = 'line' AND external_id = $2") { uid($0) }
      )
      try await measure(
        "  direct SQL by phone",
        direct("(display_mobile = $2 OR (channel_type IN ('sms','whatsapp') AND external_id = $2))")
        { "+8869" + String(format: "%08d", $0) })
      try await measure(
        "  direct SQL by email",
        direct("(lower(display_email) = $2 OR (channel_type = 'email' AND external_id = $2))") {
          "user\($0)@example.com"
        })
      try await measure("  direct SQL by customer id", direct("customer_id = $2") { "C\($0)" })
      try await measure("  direct SQL list page (100, first page)") { _ in
        try await pool.query(
          """
          SELECT * FROM contact WHERE organization_id = $1 AND deleted_at IS NULL
          ORDER BY created_at DESC, id DESC LIMIT 100
          """, [org]
        ).count
      }
      try await measure("lookup by LINE UID", lookup { $0.lineUid = uid($1) })
      try await measure(
        "lookup by phone", lookup { $0.phone = "+8869" + String(format: "%08d", $1) })
      try await measure("lookup by email", lookup { $0.email = "user\($1)@example.com" })
      try await measure("lookup by customer id", lookup { $0.customerID = "C\($1)" })
      try await measure("list page (100, first page)") { _ in
        var request = Maac_Contacts_V1_SearchContactsRequest()
        request.pageSize = 100
        return try await contacts.searchContacts(request, metadata: metadata).contacts.count
      }
      return importSeconds
    }

    // Floor: PostgreSQL alone writing what the import wrote (the contacts, their history, their
    // events, the row results and runs, the LINE name-sync enrolments), copied table to table into twins with the same indexes. No
    // implementation of the import rules can store these rows faster on this cluster.
    var floorSeconds = 0.0
    var contactTableSeconds = 0.0
    let floorCPU = clusterCPUSeconds(postmaster: postmaster)
    for table in [
      "contact", "contact_history", "outbox_events", "import_row_result", "import_row_run",
      "line_name_sync",
    ] {
      _ = try await pool.execute(
        "CREATE TABLE floor_\(unescaped: table) (LIKE \(unescaped: table) INCLUDING ALL)")
      let start = ContinuousClock.now
      let count = try await pool.execute(
        "INSERT INTO floor_\(unescaped: table) OVERRIDING SYSTEM VALUE SELECT * FROM \(unescaped: table)"
      )
      let seconds = elapsed(since: start)
      floorSeconds += seconds
      if table == "contact" { contactTableSeconds = seconds }
      // What each table holds per row, with its indexes and TOAST (heap + WAL volume follow).
      let size = try await pool.query(
        "SELECT pg_total_relation_size(\(table)::regclass) AS bytes"
      )[0].decode("bytes", as: Int64.self)
      print(
        String(
          format: "  floor %@: %lld rows in %.2f s; stored %.0f bytes per row with indexes",
          table, Int64(count), seconds, count > 0 ? Double(size) / Double(count) : 0))
    }
    let floorClusterCPU = clusterCPUSeconds(postmaster: postmaster) - floorCPU
    // The reference ("a plain PostgreSQL COPY of the same rows") for the rows the
    // import stores: the contact rows as stored, written to a binary file by the server and
    // COPYed from it into a twin of the contact table (same columns and indexes), so that no
    // client and no network is in the reference.
    let copyFile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(schema)-contact.copy"
    ).path
    _ = try await admin.execute(
      "COPY \(identifier: schema).contact TO '\(unescaped: copyFile)' WITH (FORMAT binary)")
    _ = try await admin.execute(
      "CREATE TABLE \(identifier: schema).copy_twin (LIKE \(identifier: schema).contact INCLUDING ALL)"
    )
    let twinCopyStart = ContinuousClock.now
    let twinCopied = try await admin.execute(
      "COPY \(identifier: schema).copy_twin FROM '\(unescaped: copyFile)' WITH (FORMAT binary)")
    let twinCopySeconds = elapsed(since: twinCopyStart)
    try? FileManager.default.removeItem(atPath: copyFile)
    print(
      String(
        format:
          "plain COPY of the same contact rows into the contact table's twin (its columns and indexes): %lld rows in %.2f s; ratio COPY time / import time %.3f",
        Int64(twinCopied), twinCopySeconds, twinCopySeconds / importSecondsTotal))
    print(
      String(
        format:
          "floor (PostgreSQL storing the import's rows, no Swift, no RPC): %.2f s, CPU %.2f µs per CSV row; ratio COPY time / floor time %.3f",
        floorSeconds, floorClusterCPU / Double(rowCount) * 1e6, copySeconds / floorSeconds))
    // What the data model itself costs: the same contacts into the service's own contact table
    // with its indexes, against the reference (the bare 5-column COPY).
    print(
      String(
        format:
          "ratio to the bare 5-column COPY (issue's reference): %.3f; ratio import / contact-table twin (contact rows with their indexes only): %.3f (twin %.2f s)",
        copySeconds / importSecondsTotal, contactTableSeconds / importSecondsTotal,
        contactTableSeconds))
    print("load average at the end: \(loadAverage())")
    server.cancel()
    _ = try? await server.value
    try await provisioner.dropService(schema)
    await admin.shutdown()

  }
}
