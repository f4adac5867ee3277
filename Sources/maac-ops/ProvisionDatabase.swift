import ArgumentParser
import Foundation
import PostgresClient

/// Creates (or updates) a service's role and schema and prints the service's connection URL.
struct ProvisionDatabase: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "provision-database",
    abstract: "Create a service's own role and schema; print the URL the service logs in with."
  )

  @Option(help: "The superuser's connection URL.")
  var adminURL: String

  @Option(help: "The service (its role and its schema get this name).")
  var service: String

  @Option(help: "A file holding the role's password (created with a random one when missing).")
  var passwordFile: String

  func run() async throws {
    let password = try Self.password(at: passwordFile)
    do {
      try await PostgresPool.withPool(configuration: try PostgresConfiguration(url: adminURL)) {
        try await PostgresProvisioner(admin: $0).provisionService(service, password: password)
      }
    } catch {
      throw ValidationError("provisioning \(service) failed: \(error)")
    }
    guard var components = URLComponents(string: adminURL) else {
      throw ValidationError("--admin-url is not a URL")
    }
    components.user = service
    components.password = password
    print(components.string ?? "")
  }

  /// The stored password, or a new random one written with owner-only permissions.
  static func password(at path: String) throws -> String {
    if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      return existing.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    let password = String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    FileManager.default.createFile(
      atPath: path, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
    return password
  }
}
