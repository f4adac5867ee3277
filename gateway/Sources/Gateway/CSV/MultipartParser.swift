/// An incremental `multipart/form-data` parser (RFC 7578 over RFC 2046 §5.1): bytes go in
/// as they arrive from the socket, events come out, so a 100 MiB upload is never held whole.
///
/// A part's data is emitted as soon as it is known not to be part of the next delimiter
/// (everything but the last `delimiter.count - 1` bytes seen), in pieces of whatever size
/// the input had.
public struct MultipartParser: Sendable {
  /// What the parser found.
  public enum Event: Sendable, Equatable {
    /// A part begins: its `Content-Disposition` name and filename, and its content type.
    case partStart(name: String, filename: String?, contentType: String?)
    /// Bytes of the current part's body.
    case data([UInt8])
    /// The current part ended.
    case partEnd
  }

  /// A malformed body: 400 naming the reason.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
  }

  private enum State {
    /// Before the first delimiter (the preamble is ignored).
    case preamble
    /// After a delimiter: `\r\n` (another part) or `--` (the end) follows.
    case afterDelimiter
    case headers
    case body
    case done
  }

  private let delimiter: [UInt8]
  private var buffer: [UInt8] = []
  private var state = State.preamble
  private static let maxHeaderBytes = 16 * 1024

  /// `boundary` from the request's content type (see ``boundary(fromContentType:)``).
  public init(boundary: String) {
    // The first delimiter may start the body without the leading CRLF; a leading CRLF is
    // added to the buffer so one search finds every delimiter.
    delimiter = Array("\r\n--\(boundary)".utf8)
    buffer = Array("\r\n".utf8)
  }

  /// Whether the closing delimiter has been read.
  public var isComplete: Bool {
    if case .done = state { return true }
    return false
  }

  /// The `boundary` parameter of a `multipart/form-data` content type, or `nil`.
  public static func boundary(fromContentType contentType: String) -> String? {
    let parts = contentType.split(separator: ";").map { $0.trimmingSpaces() }
    guard let type = parts.first, type.lowercased() == "multipart/form-data" else { return nil }
    for parameter in parts.dropFirst() {
      let pair = parameter.split(separator: "=", maxSplits: 1)
      guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "boundary" else { continue }
      var value = pair[1].trimmingSpaces()
      if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
        value = String(value.dropFirst().dropLast())
      }
      return value.isEmpty || value.utf8.count > 70 ? nil : value
    }
    return nil
  }

  /// Feeds the next bytes; returns the events they complete.
  public mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [Event] {
    guard !isComplete else { return [] }
    buffer.append(contentsOf: bytes)
    var events: [Event] = []
    var cursor = 0
    loop: while true {
      switch state {
      case .preamble:
        guard let found = find(delimiter, from: cursor) else {
          // Keep only what could still begin a delimiter.
          cursor = max(cursor, buffer.count - (delimiter.count - 1))
          break loop
        }
        cursor = found + delimiter.count
        state = .afterDelimiter
      case .afterDelimiter:
        guard buffer.count - cursor >= 2 else { break loop }
        if buffer[cursor] == UInt8(ascii: "-"), buffer[cursor + 1] == UInt8(ascii: "-") {
          state = .done
          cursor = buffer.count
          break loop
        }
        // Transport padding (spaces/tabs) may precede the CRLF.
        var index = cursor
        while index < buffer.count, buffer[index] == UInt8(ascii: " ") || buffer[index] == 9 {
          index += 1
        }
        guard buffer.count - index >= 2 else { break loop }
        guard buffer[index] == 13, buffer[index + 1] == 10 else {
          throw Failure(reason: "a boundary line is not followed by CRLF")
        }
        // The cursor stays on the CRLF: with an empty header block it is the first half of
        // the blank line that ends the headers.
        cursor = index
        state = .headers
      case .headers:
        guard let end = find(Array("\r\n\r\n".utf8), from: cursor) else {
          if buffer.count - cursor > Self.maxHeaderBytes {
            throw Failure(reason: "part headers exceed 16 KiB")
          }
          break loop
        }
        let headerBytes = end > cursor + 2 ? Array(buffer[(cursor + 2)..<end]) : []
        events.append(try Self.partStart(headerBytes))
        cursor = end + 4
        state = .body
      case .body:
        if let found = find(delimiter, from: cursor) {
          if found > cursor { events.append(.data(Array(buffer[cursor..<found]))) }
          events.append(.partEnd)
          cursor = found + delimiter.count
          state = .afterDelimiter
        } else {
          let safe = buffer.count - (delimiter.count - 1)
          if safe > cursor {
            events.append(.data(Array(buffer[cursor..<safe])))
            cursor = safe
          }
          break loop
        }
      case .done:
        break loop
      }
    }
    buffer.removeFirst(min(cursor, buffer.count))
    return events
  }

  /// Call after the last byte: a body without its closing delimiter is malformed.
  public func finish() throws(Failure) {
    guard isComplete else { throw Failure(reason: "the body ends before the closing boundary") }
  }

  private func find(_ needle: [UInt8], from start: Int) -> Int? {
    let start = max(0, start)
    guard buffer.count - start >= needle.count else { return nil }
    let first = needle[0]
    var index = start
    let last = buffer.count - needle.count
    while index <= last {
      if buffer[index] == first {
        var matched = true
        for offset in 1..<needle.count where buffer[index + offset] != needle[offset] {
          matched = false
          break
        }
        if matched { return index }
      }
      index += 1
    }
    return nil
  }

  private static func partStart(_ headerBytes: [UInt8]) throws(Failure) -> Event {
    let text = String(decoding: headerBytes, as: UTF8.self)
    var name: String?
    var filename: String?
    var contentType: String?
    for line in text.split(separator: "\r\n") {
      guard let colon = line.firstIndex(of: ":") else {
        throw Failure(reason: "a part header line has no colon")
      }
      let field = line[..<colon].trimmingSpaces().lowercased()
      let value = line[line.index(after: colon)...].trimmingSpaces()
      switch field {
      case "content-disposition":
        for parameter in value.split(separator: ";").dropFirst() {
          let pair = parameter.split(separator: "=", maxSplits: 1)
          guard pair.count == 2 else { continue }
          var parameterValue = pair[1].trimmingSpaces()
          if parameterValue.hasPrefix("\""), parameterValue.hasSuffix("\""),
            parameterValue.count >= 2
          {
            parameterValue = String(parameterValue.dropFirst().dropLast())
          }
          switch pair[0].trimmingSpaces().lowercased() {
          case "name": name = parameterValue
          case "filename": filename = parameterValue
          default: break
          }
        }
      case "content-type":
        contentType = value
      default:
        break
      }
    }
    guard let name else { throw Failure(reason: "a part has no Content-Disposition name") }
    return .partStart(name: name, filename: filename, contentType: contentType)
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces and tabs.
  func trimmingSpaces() -> String {
    let isSpace = { (character: Character) in character == " " || character == "\t" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
