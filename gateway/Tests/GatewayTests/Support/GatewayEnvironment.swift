import Foundation
import Gateway
import ServiceKit

/// A gateway in front of the two test upstreams of ``Fixtures``, with its own signing keys.
struct GatewayEnvironment {
  var keys: TestSigningKeys
  let contacts: TestUpstream
  let admin: TestUpstream
  let gateway: RunningGateway
  var client: HTTPTestClient { gateway.client }
  var upstreams: [TestUpstream] { [contacts, admin] }
  var totalCalls: Int { upstreams.map(\.callCount).reduce(0, +) }

  static func start(timeoutOverride: Duration? = nil) async throws -> GatewayEnvironment {
    let keys = try TestSigningKeys()
    let contacts = try await Fixtures.contactsUpstream()
    let admin = try await Fixtures.adminUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath,
      peers: ["contacts": contacts.address, "admin": admin.address],
      timeoutOverride: timeoutOverride)
    return GatewayEnvironment(keys: keys, contacts: contacts, admin: admin, gateway: gateway)
  }

  func stop() async {
    await gateway.stop()
    for upstream in upstreams { await upstream.stop() }
  }

  /// Runs `body` with a fresh environment, stopping it afterwards.
  static func with(
    timeoutOverride: Duration? = nil, _ body: (inout GatewayEnvironment) async throws -> Void
  ) async throws {
    var environment = try await start(timeoutOverride: timeoutOverride)
    do {
      try await body(&environment)
    } catch {
      await environment.stop()
      throw error
    }
    await environment.stop()
  }
}
