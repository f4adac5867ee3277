import ArgumentParser
import Foundation
import Gateway
import Logging
import ServiceKit

/// `maac-gateway` serves the external API; `maac-gateway token` mints a development token.
@main
struct MaacGateway: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "maac-gateway",
    abstract: "The MAAC API gateway (JWT RS256, tenancy, REST/JSON and gRPC routing).",
    subcommands: [Serve.self, Token.self],
    defaultSubcommand: Serve.self
  )
}

struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the gateway (settings from MAAC_* env).")

  @Argument(parsing: .allUnrecognized) var passthrough: [String] = []

  func run() async throws {
    let source = try ConfigurationSource(
      arguments: passthrough, environment: ProcessInfo.processInfo.environment)
    let configuration = try GatewayConfiguration(from: source)
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    let logger = Logger(label: "maac.gateway")
    let server = Task {
      try await GatewayServer(configuration: configuration, logger: logger).run { port in
        logger.info(
          "gateway listening (HTTP/1.1, h2c REST and gRPC)",
          metadata: ["host": "\(configuration.host)", "port": "\(port)"])
      }
    }
    // SIGTERM/SIGINT stop the listener (cancelling `run` closes the port, GOAWAYs the HTTP/2
    // connections and stops the upstream clients) and the process exits 0.
    let signals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        logger.info("stopping", metadata: ["signal": "\(number)"])
        server.cancel()
      }
      source.resume()
      return source
    }
    defer { for source in signals { source.cancel() } }
    do {
      try await server.value
    } catch is CancellationError {
    } catch  where server.isCancelled {
      // Stopped by a signal: whatever ended the listener is not a failure.
    }
  }
}

struct Token: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Print a development access token signed by the key under STATE/dev-jwt/ (created on first use)."
  )

  @Option(help: "The platform state folder (MAAC_STATE).") var state: String
  @Option(help: "The organization id (org_id claim).") var org: Int64
  @Option(help: "The user id (sub claim).") var user: String
  @Option(help: "Comma-separated roles.") var roles: String = ""
  @Option(help: "Lifetime in seconds (at most 86400).") var lifetime: Int = 12 * 3600

  func validate() throws {
    guard org > 0 else { throw ValidationError("--org must be a positive integer") }
    guard !user.isEmpty else { throw ValidationError("--user must not be empty") }
    guard (1...86_400).contains(lifetime) else {
      throw ValidationError("--lifetime must be 1...86400 seconds")
    }
  }

  func run() async throws {
    let roleList = roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    let token = try await DevelopmentKeys(state: state).mintToken(
      organizationID: org, userID: user, roles: roleList, lifetime: TimeInterval(lifetime))
    print(token)
  }
}
