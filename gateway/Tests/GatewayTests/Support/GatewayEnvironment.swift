import Foundation
import Gateway
import ServiceKit

/// A gateway in front of the four test upstreams, with its own signing keys.
struct GatewayEnvironment {
  var keys: TestSigningKeys
  let contacts: TestUpstream
  let tags: TestUpstream
  let admin: TestUpstream
  let cdh: TestUpstream
  let gateway: RunningGateway
  var client: HTTPTestClient { gateway.client }
  var upstreams: [TestUpstream] { [contacts, tags, admin, cdh] }
  var totalCalls: Int { upstreams.map(\.callCount).reduce(0, +) }

  static func start(timeoutOverride: Duration? = nil) async throws -> GatewayEnvironment {
    let keys = try TestSigningKeys()
    let contacts = try await Fixtures.contactsUpstream()
    let tags = try await Fixtures.tagsUpstream()
    let admin = try await Fixtures.adminUpstream()
    let cdh = try await Fixtures.cdhUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath,
      peers: [
        "contacts": contacts.address, "tags": tags.address, "admin": admin.address,
        "cdh": cdh.address,
      ],
      timeoutOverride: timeoutOverride)
    return GatewayEnvironment(
      keys: keys, contacts: contacts, tags: tags, admin: admin, cdh: cdh, gateway: gateway)
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
