import Gateway
import ServiceKit

/// A gateway with chosen rate limits and CORS policy in front of the contacts and admin test
/// upstreams (for the G11/G16 tests, which need other settings than ``GatewayEnvironment``).
struct ConfiguredGateway {
  let keys: TestSigningKeys
  let contacts: TestUpstream
  let admin: TestUpstream
  let gateway: RunningGateway
  var client: HTTPTestClient { gateway.client }

  static func with(
    limits: RateLimits = .unlimited, cors: CORSPolicy = CORSPolicy(),
    contacts: TestUpstream? = nil, timeoutOverride: Duration? = nil,
    _ body: (ConfiguredGateway) async throws -> Void
  ) async throws {
    let keys = try TestSigningKeys()
    let contactsUpstream: TestUpstream
    if let contacts {
      contactsUpstream = contacts
    } else {
      contactsUpstream = try await Fixtures.contactsUpstream()
    }
    let admin = try await Fixtures.adminUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath,
      peers: ["contacts": contactsUpstream.address, "admin": admin.address],
      timeoutOverride: timeoutOverride, limits: limits, cors: cors)
    let environment = ConfiguredGateway(
      keys: keys, contacts: contactsUpstream, admin: admin, gateway: gateway)
    do {
      try await body(environment)
    } catch {
      await environment.stop()
      throw error
    }
    await environment.stop()
  }

  func stop() async {
    await gateway.stop()
    await contacts.stop()
    await admin.stop()
  }
}
