import Testing

@testable import ServiceKit

@Suite("Health status")
struct HealthStatusRegistryTests {
  @Test("the server is serving from the start; unknown services have no status")
  func initialState() {
    let registry = HealthStatusRegistry()
    #expect(registry.status() == .serving)
    #expect(registry.status(of: "maac.contacts.v1.Contacts") == nil)
  }

  @Test("watchers see the current status, then every change, until shutdown marks all not serving")
  func watch() async {
    let registry = HealthStatusRegistry()
    registry.set(.serving, for: "svc")
    var iterator = registry.watch("svc").makeAsyncIterator()
    #expect(await iterator.next() == .some(.serving))
    registry.markAllNotServing()
    #expect(await iterator.next() == .some(.notServing))
    #expect(registry.status() == .notServing)
  }
}
