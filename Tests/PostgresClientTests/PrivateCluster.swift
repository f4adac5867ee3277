import Foundation
import MAACTestSupport
import PostgresClient

#if canImport(Glibc)
  import Glibc
#endif

/// A throwaway PostgreSQL cluster of its own, for tests that stop or restart the server
/// (which they must not do to the shared test cluster). Uses Scripts/lib/postgres.sh.
struct PrivateCluster {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  let directory: String
  let port: Int

  /// Initialises and starts a cluster on a free port.
  static func start() async throws -> PrivateCluster {
    let cluster = PrivateCluster(
      directory: NSTemporaryDirectory() + TestDatabase.uniqueName("maac-pg"),
      port: try FreePort.pick())
    try await cluster.script("pg_start \"$DIR\" \"$PORT\"")
    return cluster
  }

  /// The superuser URL (the password file is written by `pg_init`).
  func url() throws -> String {
    let password = try String(contentsOfFile: directory + "/superuser.password", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return "postgresql://maac_admin:\(password)@127.0.0.1:\(port)/postgres"
  }

  func stop() async throws { try await pgCtl("stop") }
  func startAgain() async throws { try await pgCtl("start") }
  func restart() async throws { try await pgCtl("restart") }

  /// Stops the cluster and removes its folder.
  func destroy() async {
    _ = try? await script("pg_stop \"$DIR\"; rm -rf \"$DIR\" \"$DIR.log\"")
  }

  private func pgCtl(_ action: String) async throws {
    try await script(
      "pg_as_owner \"$(pg_bin_dir)/pg_ctl\" --pgdata=\"$DIR/data\" --log=\"$DIR/run/postgres.log\" --mode=fast --wait \(action)"
    )
  }

  /// Runs `command` with Scripts/lib/postgres.sh sourced, on a thread of its own (it blocks
  /// for seconds). Output goes to a log file, never a pipe: the server started by `pg_ctl`
  /// would inherit a pipe and keep it open forever.
  private func script(_ command: String) async throws {
    let library = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Scripts/lib/postgres.sh").path
    let directory = self.directory
    let port = self.port
    let log = directory + ".log"
    try await withCheckedThrowingContinuation {
      (continuation: CheckedContinuation<Void, any Error>) in
      let thread = Thread {
        // posix_spawn + waitpid: nothing but the exit status is awaited, so the server that
        // `pg_ctl` leaves running cannot hold the wait open.
        let script = "set -e; source \"\(library)\"; \(command) >>\"$LOG\" 2>&1 </dev/null"
        let arguments = ["/bin/bash", "-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["DIR"] = directory
        environment["PORT"] = String(port)
        environment["LOG"] = log
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
          for pointer in argv { free(pointer) }
          for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, argv, envp)
        guard spawned == 0 else {
          continuation.resume(throwing: Failure(description: "posix_spawn failed: \(spawned)"))
          return
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
          let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
          continuation.resume(
            throwing: Failure(description: "`\(command)` failed (status \(status)): \(output)"))
          return
        }
        continuation.resume()
      }
      thread.start()
    }
  }

}
