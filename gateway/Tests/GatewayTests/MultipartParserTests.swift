import Gateway
import Testing

@Suite("G13 multipart/form-data parser")
struct MultipartParserTests {
  static let body = Array(
    ("preamble to ignore\r\n"
      + "--XyZ\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\nemail\r\n"
      + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      + "Content-Type: text/csv\r\n\r\nemail\r\na@example.com\r\n--Xy-not-a-boundary\r\n"
      + "--XyZ--\r\nepilogue").utf8)

  /// Feeds `body` in pieces of `size` and merges adjacent data events.
  static func events(_ body: [UInt8], pieceSize size: Int) throws -> [MultipartParser.Event] {
    var parser = MultipartParser(boundary: "XyZ")
    var events: [MultipartParser.Event] = []
    var index = 0
    while index < body.count {
      for event in try parser.feed(body[index..<min(body.count, index + size)]) {
        if case .data(let more) = event, case .data(let previous)? = events.last {
          events[events.count - 1] = .data(previous + more)
        } else {
          events.append(event)
        }
      }
      index += size
    }
    try parser.finish()
    return events
  }

  @Test("G13: parts, names, filename and content type, whatever the piece sizes")
  func parsesInAnyPieces() throws {
    let expected: [MultipartParser.Event] = [
      .partStart(name: "target", filename: nil, contentType: nil), .data(Array("email".utf8)),
      .partEnd,
      .partStart(name: "file", filename: "a.csv", contentType: "text/csv"),
      .data(Array("email\r\na@example.com\r\n--Xy-not-a-boundary".utf8)), .partEnd,
    ]
    for size in [1, 2, 3, 5, 7, 13, 64, Self.body.count] {
      #expect(try Self.events(Self.body, pieceSize: size) == expected, "piece size \(size)")
    }
  }

  @Test("G13: a part with no headers but a name is refused; an empty header block is found")
  func partHeaders() throws {
    var parser = MultipartParser(boundary: "b")
    #expect(throws: MultipartParser.Failure.self) {
      _ = try parser.feed(Array("--b\r\n\r\nvalue\r\n--b--".utf8))
    }
  }

  @Test("G13: a body without its closing boundary is refused")
  func truncated() throws {
    var parser = MultipartParser(boundary: "b")
    _ = try parser.feed(Array("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc".utf8))
    #expect(throws: MultipartParser.Failure.self) { try parser.finish() }
  }

  @Test("G13: the boundary comes from the content type, quoted or not")
  func boundaryParameter() {
    #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc") == "abc")
    #expect(
      MultipartParser.boundary(
        fromContentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"")
        == "a b")
    #expect(MultipartParser.boundary(fromContentType: "multipart/form-data") == nil)
    #expect(MultipartParser.boundary(fromContentType: "text/csv; boundary=abc") == nil)
  }
}
