import ContractsTestSupport
import Foundation
import SwiftProtobuf
import Testing

@Suite("Contract compatibility against the committed descriptor snapshot")
struct CompatibilityTests {
  let checker = CompatibilityChecker()

  @Test("The current protos break nothing of the committed snapshot")
  func currentProtosAreCompatible() throws {
    let snapshot = try ContractDescriptors.loadSnapshot()
    let current = try ContractDescriptors.compileCurrent()
    let changes = checker.breakingChanges(from: snapshot, to: current)
    #expect(
      changes.isEmpty,
      "breaking changes against Tests/ContractsTests/Snapshot/maac.pb (if deliberate, run Scripts/generate-protos.sh --snapshot in the same commit):\n\(changes.map(\.description).joined(separator: "\n"))"
    )
  }

  @Test("The snapshot holds every package of Protos/maac")
  func snapshotCoversEveryPackage() throws {
    let snapshot = try ContractDescriptors.loadSnapshot()
    let packages = Set(snapshot.file.map(\.package))
    for context in ["common", "contacts", "cdh", "tags", "segments", "journey", "email", "admin"] {
      #expect(packages.contains("maac.\(context).v1"), "snapshot lacks maac.\(context).v1")
    }
  }

  @Test("The snapshot is current (refresh with Scripts/generate-protos.sh --snapshot)")
  func snapshotIsCurrent() throws {
    let snapshot = try Data(contentsOf: ContractDescriptors.snapshotFile)
    let current = try ContractDescriptors.compileCurrentBytes()
    #expect(snapshot == current)
  }

  @Test("Compatible evolutions are not reported", arguments: CompatibleEvolution.allCases)
  func compatibleEvolutionPasses(_ evolution: CompatibleEvolution) {
    let old = SampleContracts.baseline()
    var new = old
    evolution.apply(to: &new)
    #expect(checker.breakingChanges(from: old, to: new) == [])
  }

  @Test("Each kind of breaking change is caught", arguments: Mutation.allCases)
  func mutationIsCaught(_ mutation: Mutation) {
    let old = SampleContracts.baseline()
    var new = old
    mutation.apply(to: &new)
    let kinds = Set(checker.breakingChanges(from: old, to: new).map(\.kind))
    if mutation == .renamePackage {
      // A rename also removes every type under its old full name.
      #expect(kinds.contains(.packageRemoved))
      #expect(kinds.contains(.messageRemoved) && kinds.contains(.serviceRemoved))
    } else {
      #expect(kinds == [mutation.expectedKind])
    }
  }

  @Test("Every kind of break has a mutation that proves it is caught")
  func everyKindIsProven() {
    #expect(Set(Mutation.allCases.map(\.expectedKind)) == Set(BreakingChange.Kind.allCases))
  }

  @Test("Removing a real field of the contacts contract is caught, reserving it is not")
  func realFieldRemoval() throws {
    let old = try ContractDescriptors.compileCurrent()
    var removed = old
    var reserved = old
    let target = "maac.contacts.v1.Contact"
    SampleContracts.editMessage(named: target, in: &removed) { message in
      message.field.removeAll { $0.name == "display_name" }
    }
    SampleContracts.editMessage(named: target, in: &reserved) { message in
      guard let field = message.field.first(where: { $0.name == "display_name" }) else { return }
      message.field.removeAll { $0.name == "display_name" }
      message.reservedRange.append(
        .with {
          $0.start = field.number
          $0.end = field.number + 1
        })
      message.reservedName.append(field.name)
    }
    let changes = checker.breakingChanges(from: old, to: removed)
    #expect(
      changes == [
        BreakingChange(
          kind: .fieldRemovedWithoutReserved, element: "\(target).display_name",
          detail: "field 20 removed; reserve 20 and \"display_name\"")
      ])
    #expect(checker.breakingChanges(from: old, to: reserved) == [])
  }
}
