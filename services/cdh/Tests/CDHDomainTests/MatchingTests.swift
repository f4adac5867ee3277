import CDHDomain
import Testing

@Suite("Matching and the unification graph")
struct MatchingTests {
  @Test("U8: sharing any one configured key links two entities (OR across keys)")
  func u8DirectLink() {
    var harness = Harness(keys: [.customID, .displayEmail])
    harness.create(1, ["custom_id": "C1", "display_email": "a@x.com"])
    harness.create(2, ["custom_id": "C2", "display_email": "a@x.com"])
    harness.create(3, ["custom_id": "C1"])
    harness.create(4, ["connect_id": "K", "display_mobile": "0912000001"])
    harness.create(5, ["connect_id": "K", "display_mobile": "0912000001"])
    #expect(harness.members(1) == [1, 2, 3])
    // connect_id and display_mobile are not keys here.
    #expect(harness.members(4) == [4])
  }

  @Test("U9: profiles are connected components — A~B and B~C make one profile")
  func u9Transitive() {
    var harness = Harness(keys: [.customID, .displayMobile])
    harness.create(1, ["custom_id": "A"])
    harness.create(3, ["display_mobile": "+886912000003"])
    #expect(harness.profileID(1) != harness.profileID(3))
    harness.create(2, ["custom_id": "A", "display_mobile": "+886912000003"])
    #expect(harness.members(1) == [1, 2, 3])
    #expect(harness.profileID(1) == harness.profileID(3))
    var none = Harness()
    none.create(1, ["custom_id": "A"])
    none.create(2, ["custom_id": "A"])
    #expect(none.members(1) == [1])
  }

  @Test("U10: empty and whitespace values never link; values CDH wrote never link")
  func u10EmptyNeverLinks() {
    var harness = Harness(keys: [.customID])
    harness.create(1, ["custom_id": ""])
    harness.create(2, ["custom_id": "   "])
    harness.create(3, ["display_name": "x"])
    #expect(harness.members(1) == [1])
    #expect(harness.members(2) == [2])
    #expect(harness.value(2, "custom_id") == nil)
    #expect(MatchValueNormalizer.matchValue("  ", for: .customID, country: "TW") == nil)
    // An echo of CDH's broadcast carrying a key value is ignored entirely.
    let echo = harness.update(3, "custom_id", "ZZ", origin: .cdh)
    harness.create(4, ["custom_id": "ZZ"])
    #expect(echo.echoChanges == 1)
    #expect(harness.members(4) == [4])
  }

  @Test("U11: entities of different scopes never link, whatever their values")
  func u11ScopeIsolation() {
    var harness = Harness(keys: [.customID])
    harness.setKeys([.customID], org: OrgRef(200))
    harness.create(1, ["custom_id": "SAME"])
    harness.create(2, ["custom_id": "SAME"], org: OrgRef(200))
    harness.create(3, ["custom_id": "SAME"])
    #expect(harness.members(1) == [1, 3])
    #expect(harness.members(2) == [2])
  }

  @Test("U12: phones normalise to E.164 with the org's country, e-mails lower-case, ids exact")
  func u12Normalisation() {
    let tw = "TW"
    #expect(
      MatchValueNormalizer.matchValue("0912-345-678", for: .displayMobile, country: tw)
        == "+886912345678")
    #expect(
      MatchValueNormalizer.matchValue("+886 912 345 678", for: .displayMobile, country: tw)
        == "+886912345678")
    #expect(
      MatchValueNormalizer.matchValue("00886912345678", for: .displayMobile, country: tw)
        == "+886912345678")
    #expect(
      MatchValueNormalizer.matchValue("912345678", for: .displayMobile, country: tw)
        == "+886912345678")
    #expect(
      MatchValueNormalizer.matchValue("(02) 1234.5678", for: .displayMobile, country: "JP")
        == "+81212345678")
    #expect(
      MatchValueNormalizer.matchValue("0812345678", for: .displayMobile, country: "TH")
        == "+66812345678")
    // Not E.164 after normalisation: matched on digits only.
    #expect(MatchValueNormalizer.matchValue("12ab34", for: .displayMobile, country: tw) == "1234")
    #expect(
      MatchValueNormalizer.matchValue(" Ann@Example.COM ", for: .displayEmail, country: tw)
        == "ann@example.com")
    #expect(MatchValueNormalizer.matchValue(" AbC ", for: .customID, country: tw) == "AbC")
    #expect(MatchValueNormalizer.matchValue("abc", for: .customID, country: tw) != "AbC")
    var harness = Harness(keys: [.displayMobile, .displayEmail])
    harness.create(1, ["display_mobile": "0912345678"])
    harness.create(2, ["display_mobile": "+886-912-345-678"])
    harness.create(3, ["display_email": "Ann@Example.com"])
    harness.create(4, ["display_email": "ann@example.com"])
    #expect(harness.members(1) == [1, 2])
    #expect(harness.members(3) == [3, 4])
    // Displayed values stay raw.
    #expect(harness.value(1, "display_mobile") == "0912345678")
  }

  @Test("U13: original_mobile and original_email never match")
  func u13OnlyDisplayValues() {
    var harness = Harness(keys: [.displayMobile, .displayEmail])
    harness.create(1, ["original_mobile": "0912000001", "original_email": "o@x.com"])
    harness.create(2, ["display_mobile": "0912000001", "display_email": "o@x.com"])
    #expect(harness.members(1) == [1])
    #expect(harness.members(2) == [2])
  }

  @Test("U14: edges exist for all candidate attributes, so a key change needs no replay")
  func u14EdgesForAllCandidates() {
    var harness = Harness()
    harness.create(1, ["connect_id": "K"])
    harness.create(2, ["connect_id": "K"])
    let scopeID = harness.engine.orgScope[harness.org]!
    let graph = harness.engine.graphs[scopeID]!
    #expect(graph.matchValue(of: .maac(1), .connectID) == "K")
    #expect(harness.members(1) == [1])
    harness.setKeys([.connectID])
    #expect(harness.members(1) == [1, 2])
  }
}
