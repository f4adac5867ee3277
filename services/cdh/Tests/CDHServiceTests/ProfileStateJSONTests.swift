import CDHDomain
import Foundation
import Testing

@testable import CdhService

@Suite("Profile state JSON written without JSONEncoder")
struct ProfileStateJSONTests {
  static func state(displayName: String?) -> ProfileState {
    let at = Instant(microseconds: 1_700_000_000_123_456)
    var view = MergedProfileView(effectiveDisplayName: displayName, anyReachable: true)
    view.fields["display_name"] = FieldWinner(
      value: "Ann \"the\" \\ \n\t\u{1} 名前 🙂", member: .maac(7), sourceTimestamp: at,
      arrivedTimestamp: Instant(microseconds: -5))
    view.fields["custom_id"] = FieldWinner(
      value: "", member: MemberRef(.caac, Int64.max), sourceTimestamp: Instant(microseconds: 0),
      arrivedTimestamp: at)
    return ProfileState(
      id: 42, scopeID: 3, createdAt: at, members: [.maac(7), MemberRef(.caac, Int64.max)],
      view: view, version: 9_000_000_001, unificationUpdatedAt: Instant(microseconds: Int64.min + 1)
    )
  }

  @Test(
    "U21, U24: a profile state built byte by byte decodes to the same state with the Codable the engine loads with"
  )
  func roundTrips() throws {
    for original in [Self.state(displayName: "Ann"), Self.state(displayName: nil)] {
      let bytes = ProfileStateJSON.encode(original)
      let decoded = try JSONDecoder().decode(ProfileState.self, from: Data(bytes))
      #expect(decoded == original)
    }
    var empty = ProfileState(id: 1, scopeID: 1, createdAt: Instant(microseconds: 0), members: [])
    empty.version = 0
    let decoded = try JSONDecoder().decode(
      ProfileState.self, from: Data(ProfileStateJSON.encode(empty)))
    #expect(decoded == empty)
  }
}
