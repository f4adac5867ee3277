import AdminDomain
import Foundation
import Testing

@Suite("Organization changes (UpdateOrganization, spec §3.1)")
struct OrganizationChangesTests {
  static let acme = Organization(
    id: 7, uuid: "431c1b10-af57-4402-ad3e-df7da3cb0e2a", name: "Acme", region: .tw,
    timezone: "Asia/Taipei", active: true, createdAt: Date(timeIntervalSince1970: 0),
    updatedAt: Date(timeIntervalSince1970: 0))

  private func validate(_ changes: OrganizationChanges) -> (OrganizationChanges?, [String]) {
    var violations = ViolationCollector()
    let valid = changes.validated(at: .root, into: &violations)
    return (valid, violations.violations.map(\.field))
  }

  @Test("§3.1: the values are checked by the creation rules, every bad field named")
  func sameRulesAsCreation() {
    let (valid, fields) = validate(OrganizationChanges(name: " ", timezone: "PST"))
    #expect(valid == nil)
    #expect(fields == ["name", "timezone"])
    let long = String(repeating: "a", count: OrganizationDraft.maxNameCharacters + 1)
    #expect(validate(OrganizationChanges(name: long)).1 == ["name"])
  }

  @Test("§3.1: an empty time zone resolves to Asia/Taipei, as on creation")
  func emptyZone() {
    #expect(validate(OrganizationChanges(timezone: "")).0?.timezone == "Asia/Taipei")
  }

  @Test("ops.proto: only given fields apply; region .some(nil) clears; same values change nothing")
  func applies() {
    let changed = OrganizationChanges(region: .some(nil), active: false).applied(to: Self.acme)
    #expect(changed.region == nil && !changed.active && changed.name == "Acme")
    let same = OrganizationChanges(name: "Acme", region: .tw, timezone: "Asia/Taipei")
    #expect(same.applied(to: Self.acme) == Self.acme)
    #expect(OrganizationChanges().applied(to: Self.acme) == Self.acme)
  }
}
