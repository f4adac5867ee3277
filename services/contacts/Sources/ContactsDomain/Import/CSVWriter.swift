import Foundation

/// Writes RFC 4180 CSV: cells with commas, quotes or line breaks are quoted (C17, C75).
public struct CSVWriter: Sendable {
  /// The text written so far.
  public private(set) var text: String

  /// Starts a file, with the UTF-8 byte order mark spreadsheet programs need (C75).
  public init(byteOrderMark: Bool = true) {
    text = byteOrderMark ? "\u{FEFF}" : ""
  }

  /// Appends one record.
  public mutating func append(_ cells: [String]) {
    var first = true
    for cell in cells {
      if !first { text.append(",") }
      first = false
      if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        || cell.hasPrefix(" ")
        || cell.hasSuffix(" ")
      {
        text.append("\"")
        text.append(cell.replacingOccurrences(of: "\"", with: "\"\""))
        text.append("\"")
      } else {
        text.append(cell)
      }
    }
    text.append("\r\n")
  }

  /// Takes the text written so far (to stream it in chunks) and continues with an empty buffer.
  public mutating func drain() -> String {
    defer { text = "" }
    return text
  }
}
