import Testing

@testable import ServiceKit

@Suite("Request ids")
struct RequestIDTests {
  @Test("32 lower-case hex digits, unique over 40,000 ids made on four threads at once")
  func uniqueAndWellFormed() async {
    // Small enough not to hold the shared cooperative pool for long in a parallel run.
    let perTask = 10_000
    let ids = await withTaskGroup(of: [String].self) { group in
      for _ in 0..<4 {
        group.addTask { (0..<perTask).map { _ in RequestID.generate() } }
      }
      var all: [String] = []
      for await part in group { all += part }
      return all
    }
    #expect(ids.count == 4 * perTask)
    #expect(Set(ids).count == ids.count, "no id repeats")
    let hex = Set("0123456789abcdef".utf8)
    #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy(hex.contains) })
  }

  @Test("ids do not show their sequence: consecutive ids differ in about half their bits")
  func looksRandom() {
    var previous = RequestID.generate()
    var differing = 0
    let count = 1_000
    for _ in 0..<count {
      let next = RequestID.generate()
      differing += zip(Self.bits(previous), Self.bits(next)).filter { $0 != $1 }.count
      previous = next
    }
    // 128 bits per id: a counter in plain sight would change a handful of bits per step.
    let average = Double(differing) / Double(count)
    #expect(average > 50 && average < 78, "average differing bits \(average)")
  }

  private static func bits(_ id: String) -> [Bool] {
    id.utf8.flatMap { byte -> [Bool] in
      let value =
        byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10
      return (0..<4).map { value & (1 << $0) != 0 }
    }
  }
}
