import Testing

@testable import TagsDomain

@Suite("Tag names")
struct TagNameTests {
  @Test("T1: names are trimmed of Unicode whitespace and NFC-normalised")
  func trimsAndNormalises() throws {
    let name = try TagName(validating: " \u{3000}Cafe\u{301}\t\n")
    #expect(name.value == "Caf\u{E9}")
    #expect(name.value.unicodeScalars.count == 4)
  }

  @Test("T1: an empty or whitespace-only name is TAG_NAME_EMPTY naming the field")
  func emptyRefused() {
    for raw in ["", "   ", "\u{3000}\u{3000}", "\n"] {
      #expect(throws: TagRuleViolation.self) { try TagName(validating: raw) }
      do {
        _ = try TagName(validating: raw)
      } catch {
        #expect(error.reason == "TAG_NAME_EMPTY")
        #expect(error.field == "name")
        #expect(error.kind == .invalidArgument)
        #expect(error.message == "name: must not be empty")
      }
    }
  }

  @Test("T1: 50 characters pass and 51 fail; full-width and half-width count as one each")
  func lengthCountsCharacters() throws {
    let fullWidth = String(repeating: "標", count: 50)
    #expect(try TagName(validating: fullWidth).value == fullWidth)
    let fullWidthLatin = String(repeating: "Ａ", count: 50)
    #expect(try TagName(validating: fullWidthLatin).value.count == 50)
    let halfWidthKana = String(repeating: "ｶ", count: 50)
    #expect(try TagName(validating: halfWidthKana).value.count == 50)
    let mixed = String(repeating: "a標", count: 25)
    #expect(try TagName(validating: mixed).value.count == 50)
    for tooLong in [String(repeating: "標", count: 51), String(repeating: "a", count: 51)] {
      do {
        _ = try TagName(validating: tooLong)
        Issue.record("51 characters were accepted")
      } catch {
        #expect(error.reason == "TAG_NAME_TOO_LONG")
        #expect(error.message == "name: must be at most 50 characters (got 51)")
      }
    }
  }

  @Test("T1: leading/trailing spaces do not count towards the length")
  func spacesDoNotCount() throws {
    let padded = "  " + String(repeating: "x", count: 50) + "  "
    #expect(try TagName(validating: padded).value.count == 50)
  }

  @Test("T1: combining sequences count after NFC composition")
  func nfcLength() throws {
    let decomposed = String(repeating: "e\u{301}", count: 50)  // 100 scalars before NFC
    #expect(try TagName(validating: decomposed).value.unicodeScalars.count == 50)
  }

  @Test("T1: CAAC names from CDH are accepted up to 255 characters, not beyond")
  func caacLimit() throws {
    let long = String(repeating: "c", count: 255)
    #expect(try TagName(validating: long, source: .caac).value.count == 255)
    #expect(throws: TagRuleViolation.self) {
      try TagName(validating: long + "c", source: .caac)
    }
    #expect(throws: TagRuleViolation.self) { try TagName(validating: long, source: .maac) }
  }

  @Test("T1/T26: control characters and U+FFFD are TAG_NAME_INVALID_CHARS with the position")
  func badCharacters() {
    let cases: [(String, Int)] = [
      ("ab\u{0}", 3), ("a\u{7}b", 2), ("x\u{7F}", 2), ("\u{1F}y", 1), ("\u{0E2A}\u{FFFD}", 2),
      ("in\nside", 3),
    ]
    for (raw, position) in cases {
      do {
        _ = try TagName(validating: raw)
        Issue.record("\(raw.debugDescription) was accepted")
      } catch {
        #expect(error.reason == "TAG_NAME_INVALID_CHARS")
        #expect(
          error.message == "name: contains a control character or U+FFFD at position \(position)")
      }
    }
  }

  @Test("T26: a literal question mark, commas and Thai text are ordinary characters")
  func ordinaryCharactersAllowed() throws {
    #expect(try TagName(validating: "???").value == "???")
    #expect(try TagName(validating: "a,b").value == "a,b")
    #expect(try TagName(validating: "สมาชิก").value == "สมาชิก")
  }

  @Test("T1: the field name is carried into errors of batch items")
  func fieldNamed() {
    do {
      _ = try TagName(validating: "", field: "names[3]")
      Issue.record("accepted")
    } catch {
      #expect(error.field == "names[3]")
      #expect(error.message.hasPrefix("names[3]:"))
    }
  }
}
