import AdminDomain
import AdminService
import ArgumentParser
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// `maac-admin-provision`: reads a provisioning document (docs/admin.md) on standard input,
/// validates it completely, creates it with one `AdminOps/Provision` call (all or nothing)
/// and prints the created ids as JSON on standard output.
///
/// Exit status: 0 created (or valid, with `--validate-only`); 2 the document is invalid
/// (every problem on standard error, nothing sent); 1 the service refused or could not be
/// reached (nothing created).
@main
struct ProvisionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "maac-admin-provision",
    abstract: "Create organizations, channels and custom fields from a JSON document on stdin.",
    discussion: "The document format is described in docs/admin.md.")

  @Option(help: "Admin center's gRPC address HOST:PORT (default: $MAAC_ADMIN_ADDRESS).")
  var address: String?

  @Option(help: "Operator id sent as x-maac-user-id (default: $MAAC_OPERATOR or system:provision).")
  var operatorID: String?

  @Flag(help: "Check the document (locally and with the service) without creating anything.")
  var validateOnly = false

  @Option(help: "Seconds to wait for the service.")
  var timeout: Int = 60

  func run() async throws {
    let input = FileHandle.standardInput.readDataToEndOfFile()
    let plan: ProvisioningPlan
    do {
      plan = try ProvisioningDocument.plan(from: [UInt8](input))
    } catch {
      for violation in error.violations { Self.printError(violation.description) }
      Self.printError(
        "maac-admin-provision: the document has \(error.violations.count) invalid "
          + "entr\(error.violations.count == 1 ? "y" : "ies"); nothing was created")
      throw ExitCode(2)
    }

    let environment = ProcessInfo.processInfo.environment
    guard let text = address ?? environment["MAAC_ADMIN_ADDRESS"], !text.isEmpty else {
      Self.printError(
        "maac-admin-provision: --address HOST:PORT (or MAAC_ADMIN_ADDRESS) is required")
      throw ExitCode(1)
    }
    guard let target = HostAndPort(parsing: text) else {
      Self.printError("maac-admin-provision: --address must be HOST:PORT, got \"\(text)\"")
      throw ExitCode(1)
    }
    let caller = CallerContext(
      organizationID: nil,
      userID: operatorID ?? environment["MAAC_OPERATOR"] ?? "system:provision",
      requestID: RequestID.generate())

    let request = ProvisionRequestBuilder.request(for: plan, validateOnly: validateOnly)
    let response: Maac_Admin_V1_ProvisionResponse
    do {
      response = try await Self.provision(
        request, at: target, metadata: caller.metadata, timeout: .seconds(timeout))
    } catch let error as RPCError {
      let reason =
        error.metadata[stringValues: AdminError.reasonMetadataKey].first { _ in true }
        ?? "\(error.code)"
      Self.printError(
        "maac-admin-provision: admin center refused the document (\(reason)): "
          + "\(error.message); nothing was created")
      throw ExitCode(1)
    }
    if validateOnly {
      Self.printError("maac-admin-provision: the document is valid; nothing was created")
      print(#"{"organizations":[]}"#)
      return
    }
    print(try ProvisionOutput(response).json())
  }

  static func provision(
    _ request: Maac_Admin_V1_ProvisionRequest, at address: HostAndPort, metadata: Metadata,
    timeout: Duration
  ) async throws -> Maac_Admin_V1_ProvisionResponse {
    let target: NGHTTP2ClientTransport.Target =
      address.isIPv6
      ? .ipv6(host: address.host, port: address.port)
      : .ipv4(host: address.host, port: address.port)
    // The call's failure is carried out of the client's scope as a value: an error thrown
    // out of `withGRPCClient` left the nghttp2 client transport waiting on shutdown.
    let result = try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target)) {
      client -> Result<Maac_Admin_V1_ProvisionResponse, RPCError> in
      var options = CallOptions.defaults
      options.timeout = timeout
      do {
        return .success(
          try await Maac_Admin_V1_AdminOps.Client(wrapping: client).provision(
            request, metadata: metadata, options: options))
      } catch let error as RPCError {
        return .failure(error)
      }
    }
    return try result.get()
  }

  static func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
