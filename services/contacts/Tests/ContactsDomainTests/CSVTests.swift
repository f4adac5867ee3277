import ContactsDomain
import Foundation
import Testing

@Suite("CSV files")
struct CSVTests {
  @Test(
    "C30: RFC 4180 — quoted commas, doubled quotes and line breaks; CRLF; BOM dropped; any chunking"
  )
  func rfc4180() throws {
    let text =
      "\u{FEFF}line_uid,name,note\r\nU1,\"Lee, Amy\",\"says \"\"hi\"\"\nsecond line\"\r\nU2,Bo,\n"
    let bytes = Array(text.utf8)
    let whole = try CSVReader.records(of: bytes)
    #expect(
      whole.map(\.fields) == [
        ["line_uid", "name", "note"], ["U1", "Lee, Amy", "says \"hi\"\nsecond line"],
        ["U2", "Bo", ""],
      ])
    #expect(whole.map(\.number) == [1, 2, 3])
    // Byte-by-byte feeding gives the same records (a BOM or a CRLF may be split across chunks).
    var reader = CSVReader()
    var pieces: [CSVRecord] = []
    for byte in bytes { try reader.feed([byte]) { pieces.append($0) } }
    try reader.finish { pieces.append($0) }
    #expect(pieces == whole)
  }

  @Test(
    "C30: chunks read in runs give the records and errors of the byte-at-a-time reader, whatever the chunking"
  )
  func runsMatchBytes() throws {
    let texts = [
      "\u{FEFF}line_uid,name,note\r\nU1,\"Lee, Amy\",\"says \"\"hi\"\"\nsecond line\"\r\nU2,Bo,\n",
      "a,b\r\n\r\n,\n\"\",\"\"\"\"\nlong unquoted cell with spaces,王小明\r\nlast",
      "\u{FEFF}\u{FEFF}x\n", "\u{EF}\u{BB}", "a,b\n\"x,y\n", "a,b\nx\"y,z\n", "a,b\n\"x\"y,z\n",
    ]
    var files = texts.map { Array($0.utf8) }
    files.append(Array("name\nAm".utf8) + [0xE9] + Array(",ok\n".utf8))
    func read(_ chunks: [[UInt8]]) -> Result<[CSVRecord], CSVError> {
      var reader = CSVReader()
      var records: [CSVRecord] = []
      do {
        for chunk in chunks { try reader.feed(chunk) { records.append($0) } }
        try reader.finish { records.append($0) }
        return .success(records)
      } catch let error as CSVError {
        return .failure(error)
      } catch {
        fatalError("\(error)")
      }
    }
    var generator = SystemRandomNumberGenerator()
    for bytes in files {
      // The reference: the generic path, one byte at a time through the state machine.
      let oneByOne: Result<[CSVRecord], CSVError> = Result {
        try CSVReader.records(of: bytes[...])
      }.mapError { $0 as! CSVError }
      #expect(read(bytes.map { [$0] }) == oneByOne)
      #expect(read([bytes]) == oneByOne)
      for _ in 0..<50 {
        var chunks: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
          let end = min(bytes.count, start + Int.random(in: 1...7, using: &generator))
          chunks.append(Array(bytes[start..<end]))
          start = end
        }
        #expect(read(chunks) == oneByOne, "chunks \(chunks)")
      }
    }
  }

  @Test("C30: invalid UTF-8 is FILE_ENCODING_INVALID; broken quoting is CSV_MALFORMED")
  func fileErrors() {
    var latin1 = Array("name\nAm".utf8)
    latin1.append(0xE9)  // "é" in ISO-8859-1
    #expect(throws: CSVError.self) { _ = try CSVReader.records(of: latin1) }
    do {
      _ = try CSVReader.records(of: latin1)
    } catch let error as CSVError {
      #expect(error.reason == .fileEncodingInvalid)
      #expect(error.recordNumber == 2)
    } catch { Issue.record("unexpected \(error)") }
    for broken in ["a,b\n\"x,y\n", "a,b\nx\"y,z\n", "a,b\n\"x\"y,z\n"] {
      do {
        _ = try CSVReader.records(of: Array(broken.utf8))
        Issue.record("accepted \(broken)")
      } catch let error as CSVError {
        #expect(error.reason == .csvMalformed)
      } catch { Issue.record("unexpected \(error)") }
    }
  }

  @Test(
    "C30: the whole file is checked before anything applies — FILE_EMPTY, TOO_MANY_ROWS, encoding anywhere"
  )
  func fileCheck() throws {
    let good = try ImportFileCheck.run([Array("line_uid\nU1\n\nU2\n".utf8)])
    #expect(good.header == ["line_uid"])
    #expect(good.dataRows == 2)
    #expect(
      Fixture.domainError { _ = try ImportFileCheck.run([Array("line_uid\n".utf8)]) }?.reason
        == .fileEmpty)
    #expect(Fixture.domainError { _ = try ImportFileCheck.run([[UInt8]()]) }?.reason == .fileEmpty)
    // A bad byte in the very last row fails the whole file.
    var bytes = Array("line_uid\n".utf8)
    for n in 0..<100 { bytes += Array("\(Fixture.uid(n))\n".utf8) }
    bytes += [0xFF, 0x0A]
    #expect(throws: CSVError.self) { _ = try ImportFileCheck.run([bytes]) }
  }

  @Test("C75: the writer quotes commas, quotes, line breaks and round-trips through the reader")
  func writer() throws {
    var writer = CSVWriter()
    writer.append(["a", "b,c", "say \"x\"", "l1\nl2"])
    #expect(writer.text.hasPrefix("\u{FEFF}"))
    let back = try CSVReader.records(of: Array(writer.text.utf8))
    #expect(back[0].fields == ["a", "b,c", "say \"x\"", "l1\nl2"])
  }
}
