/// One pass over the compact JSON swift-protobuf writes for a response: rewrites enum values at
/// declared paths to their lower-case names, and finds top-level members by byte range, so
/// responses are never parsed into a `JSONSerialization` tree and re-encoded.
///
/// Only the gateway's own swift-protobuf output goes through it (well-formed, nesting bounded
/// by the message schema); client input is parsed with Foundation.
struct ProtoJSONScanner {
  private let input: [UInt8]
  private var index = 0
  private var output: [UInt8] = []
  private let enums: EnumPaths
  private let renames: [String: String]
  private let empties: [String: String]

  private init(
    _ input: [UInt8], enums: EnumPaths, renames: [String: String] = [:],
    empties: [String: String] = [:]
  ) {
    self.input = input
    self.enums = enums
    self.renames = renames
    self.empties = empties
  }

  /// `json` with every enum value at a path of `enums` written as its external name
  /// (`"CHANNEL_TYPE_EMAIL"` → `"email"`, `_UNSPECIFIED` → `null`). Other strings, including
  /// user data that happens to look like an enum name, are copied unchanged. Members at a
  /// path of `renames` are written under the documented key (`email` → `channel_information`).
  /// A member path of `empties` missing from the output (proto3 omits an unset message) is
  /// written as `{}` under its (renamed) key, e.g. `channel_information: {}` (A22).
  static func rewritingEnums(
    _ json: [UInt8], _ enums: EnumPaths, renames: [String: String] = [:],
    empties: Set<String> = []
  ) -> [UInt8] {
    guard !enums.isEmpty || !renames.isEmpty || !empties.isEmpty else { return json }
    // Parent object path → the member's own key.
    var parents: [String: String] = [:]
    for path in empties {
      let parts = path.split(separator: ".")
      parents[parts.dropLast().joined(separator: ".")] = parts.last.map(String.init)
    }
    var scanner = ProtoJSONScanner(json, enums: enums, renames: renames, empties: parents)
    scanner.output.reserveCapacity(json.count)
    scanner.value(path: "")
    // Anything unexpected (never for swift-protobuf output): keep the original bytes.
    return scanner.index == json.count ? scanner.output : json
  }

  /// The byte ranges of the top-level object's member values, by key.
  static func topLevelMembers(_ json: [UInt8]) -> [String: Range<Int>] {
    var scanner = ProtoJSONScanner(json, enums: [:])
    var members: [String: Range<Int>] = [:]
    scanner.skipWhitespace()
    guard scanner.peek == UInt8(ascii: "{") else { return [:] }
    scanner.index += 1
    while true {
      scanner.skipWhitespace()
      guard scanner.peek == UInt8(ascii: "\"") else { break }
      let keyRange = scanner.string()
      guard keyRange.count >= 2 else { break }
      let key = String(
        decoding: json[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)], as: UTF8.self)
      scanner.skipWhitespace()
      guard scanner.peek == UInt8(ascii: ":") else { break }
      scanner.index += 1
      scanner.skipWhitespace()
      let start = scanner.index
      scanner.skipValue()
      members[key] = start..<scanner.index
      scanner.skipWhitespace()
      guard scanner.peek == UInt8(ascii: ",") else { break }
      scanner.index += 1
    }
    return members
  }

  private var peek: UInt8? { index < input.count ? input[index] : nil }

  private mutating func skipWhitespace() {
    while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      index += 1
    }
  }

  /// Advances over one string (at its opening quote); returns its range including the quotes.
  private mutating func string() -> Range<Int> {
    let start = index
    index += 1
    while let byte = peek {
      index += 1
      if byte == UInt8(ascii: "\\") {
        index += 1
      } else if byte == UInt8(ascii: "\"") {
        break
      }
    }
    return start..<min(index, input.count)
  }

  private mutating func skipValue() {
    let start = index
    value(path: nil)
    if index == start { index = input.count }
  }

  /// Copies one value to `output` (when rewriting; `path == nil` only skips), rewriting enum
  /// strings at declared paths.
  private mutating func value(path: String?) {
    let copying = path != nil && (!enums.isEmpty || !renames.isEmpty || !empties.isEmpty)
    skipWhitespace()
    guard let byte = peek else { return }
    switch byte {
    case UInt8(ascii: "{"):
      index += 1
      if copying { output.append(byte) }
      var first = true
      var wanted = path.flatMap { empties[$0] }
      while true {
        skipWhitespace()
        guard let next = peek else { return }
        if next == UInt8(ascii: "}") {
          index += 1
          if copying, let path, let key = wanted {
            let childPath = path.isEmpty ? key : path + "." + key
            if !first { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: "\"\(renames[childPath] ?? key)\":{}".utf8)
          }
          if copying { output.append(next) }
          return
        }
        if !first {
          guard next == UInt8(ascii: ",") else { return }
          index += 1
          if copying { output.append(next) }
          skipWhitespace()
        }
        first = false
        guard peek == UInt8(ascii: "\"") else { return }
        let keyRange = string()
        var childPath: String? = nil
        if let path, keyRange.count >= 2 {
          let key = String(
            decoding: input[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)], as: UTF8.self)
          childPath = path.isEmpty ? key : path + "." + key
          if key == wanted { wanted = nil }
        }
        if copying {
          if let childPath, let renamed = renames[childPath] {
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: renamed.utf8)
            output.append(UInt8(ascii: "\""))
          } else {
            output.append(contentsOf: input[keyRange])
          }
        }
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { return }
        index += 1
        if copying { output.append(UInt8(ascii: ":")) }
        value(path: childPath)
      }
    case UInt8(ascii: "["):
      index += 1
      if copying { output.append(byte) }
      var first = true
      while true {
        skipWhitespace()
        guard let next = peek else { return }
        if next == UInt8(ascii: "]") {
          index += 1
          if copying { output.append(next) }
          return
        }
        if !first {
          guard next == UInt8(ascii: ",") else { return }
          index += 1
          if copying { output.append(next) }
        }
        first = false
        // Array elements take their field's path.
        value(path: path)
      }
    case UInt8(ascii: "\""):
      let range = string()
      guard copying else { return }
      if let path, let mapping = enums[path], range.count >= 2 {
        let raw = input[(range.lowerBound + 1)..<(range.upperBound - 1)]
        if !raw.contains(UInt8(ascii: "\\")) {
          let name = String(decoding: raw, as: UTF8.self)
          if name.hasPrefix(mapping.prefix) {
            if let external = mapping.external(name) {
              output.append(UInt8(ascii: "\""))
              output.append(contentsOf: external.utf8)
              output.append(UInt8(ascii: "\""))
            } else {
              output.append(contentsOf: "null".utf8)
            }
            return
          }
        }
      }
      output.append(contentsOf: input[range])
    default:
      // Numbers, true, false, null.
      let start = index
      while let next = peek, next != UInt8(ascii: ","), next != UInt8(ascii: "}"),
        next != UInt8(ascii: "]"), next != 0x20, next != 0x0A, next != 0x0D, next != 0x09
      {
        index += 1
      }
      if copying { output.append(contentsOf: input[start..<index]) }
    }
  }
}
