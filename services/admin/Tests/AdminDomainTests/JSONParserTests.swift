import AdminDomain
import Testing

@Suite("Strict JSON reader of the provisioning document")
struct JSONParserTests {
  private func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
  }

  @Test("Values, escapes, surrogate pairs and member order are kept")
  func values() throws {
    let value = try parse(#"{"b":[1,-2.5e3,true,false,null],"a":"\u00e9\ud83d\ude00\n\"x\""}"#)
    #expect(
      value
        == .object([
          ("b", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
          ("a", .string("é😀\n\"x\"")),
        ]))
  }

  @Test("Repeated member names are kept, so they can be reported")
  func duplicates() throws {
    guard case .object(let members) = try parse(#"{"a":1,"a":2}"#) else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.name) == ["a", "a"])
  }

  @Test(
    "Syntax errors name line and column",
    arguments: [
      ("{\n  \"a\": 1,\n}", 3, 1), ("[1 2]", 1, 4), ("{\"a\": tru}", 1, 7), ("01", 1, 2),
      ("\"abc", 1, 5), ("{} x", 1, 4), ("", 1, 1),
    ])
  func syntaxErrors(text: String, line: Int, column: Int) {
    let error = #expect(throws: JSONParser.SyntaxError.self) { try parse(text) }
    #expect(error?.line == line)
    #expect(error?.column == column)
  }

  @Test("Nesting is bounded")
  func depth() {
    let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(throws: JSONParser.SyntaxError.self) { try parse(deep) }
  }
}
