/// Writes a serialized protobuf message as the proto3 JSON swift-protobuf writes for it with
/// ``Route/jsonEncoding`` (proto field names, int64 as numbers, enums by name), straight from
/// the wire bytes: no message is decoded into its generated type and encoded again (decoding
/// a reply and encoding it was most of the gateway's JSON cost per request).
///
/// The output is swift-protobuf's byte for byte, except that map entries keep their wire order
/// (swift-protobuf writes a map in its dictionary's order, which is unspecified). Anything the
/// transcoder does not reproduce exactly answers `nil`, and the caller decodes with
/// swift-protobuf instead, so a malformed or unusual reply gets swift-protobuf's behaviour and
/// errors: invalid UTF-8, a wire type that does not match the field, a singular message field
/// sent twice (protobuf merges them), two members of one oneof, a map key sent twice, nesting
/// deeper than swift-protobuf's recursion limit, groups.
struct ProtoJSONTranscoder: Sendable {
  private let schema: ProtoSchema
  private let root: Int

  /// A transcoder for the message `fullName`, or `nil` when the schema does not have it or
  /// it contains a type the transcoder leaves to swift-protobuf.
  init?(schema: ProtoSchema = .maac, messageNamed fullName: String) {
    guard let root = schema.message(named: fullName), schema.messages[root].isSupported else {
      return nil
    }
    self.schema = schema
    self.root = root
  }

  /// The JSON of the serialized message `bytes`, or `nil` when swift-protobuf must decide.
  func json(_ bytes: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2 + 16)
    let written = bytes.withUnsafeBufferPointer { buffer -> Bool in
      do {
        try write(message: root, buffer, 0..<buffer.count, depth: 0, into: &out)
        return true
      } catch {
        return false
      }
    }
    return written ? out : nil
  }

  /// swift-protobuf's default recursion limit for decoding.
  private static let depthLimit = 100

  private struct Unsupported: Error {}

  /// One field occurrence on the wire: a varint's value, or the byte range of a fixed-size or
  /// length-delimited value.
  private struct WireField {
    var number: Int
    var wireType: UInt8
    var varint: UInt64
    var start: Int
    var end: Int
    /// The position on the wire, which keeps "last one wins" after sorting by number.
    var order: Int
  }

  private func write(
    message: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int,
    into out: inout [UInt8]
  ) throws(Unsupported) {
    let layout = schema.messages[message]
    if let custom = layout.customJSON {
      do {
        out.append(contentsOf: try custom(ArraySlice(buffer[range])))
      } catch {
        throw Unsupported()
      }
      return
    }
    guard depth < Self.depthLimit else { throw Unsupported() }
    var entries = try Self.scan(buffer, range)
    out.append(UInt8(ascii: "{"))
    guard !entries.isEmpty else {
      out.append(UInt8(ascii: "}"))
      return
    }
    var sorted = true
    for index in 1..<entries.count where entries[index - 1].number > entries[index].number {
      sorted = false
      break
    }
    if !sorted {
      entries.sort { ($0.number, $0.order) < ($1.number, $1.order) }
    }
    var oneofsSet: UInt64 = 0
    var first = true
    var cursor = 0
    for field in layout.fields {
      while cursor < entries.count, entries[cursor].number < field.number { cursor += 1 }
      let start = cursor
      while cursor < entries.count, entries[cursor].number == field.number { cursor += 1 }
      guard cursor > start else { continue }
      let occurrences = entries[start..<cursor]
      if let oneof = field.oneof {
        guard oneof < 64, oneofsSet & (1 << oneof) == 0 else { throw Unsupported() }
        oneofsSet |= 1 << oneof
      }
      if let entry = field.mapEntry {
        try writeMap(
          field, entry: entry, occurrences, buffer, depth: depth, first: &first, into: &out)
      } else if field.isRepeated {
        try writeRepeated(field, occurrences, buffer, depth: depth, first: &first, into: &out)
      } else {
        try writeSingular(field, occurrences, buffer, depth: depth, first: &first, into: &out)
      }
    }
    out.append(UInt8(ascii: "}"))
  }

  private func writeSingular(
    _ field: FieldLayout, _ occurrences: ArraySlice<WireField>,
    _ buffer: UnsafeBufferPointer<UInt8>, depth: Int, first: inout Bool, into out: inout [UInt8]
  ) throws(Unsupported) {
    for occurrence in occurrences where occurrence.wireType != field.wireType {
      throw Unsupported()
    }
    let last = occurrences[occurrences.index(before: occurrences.endIndex)]
    if case .message(let nested) = field.kind {
      // Occurrences of one message field are merged by protobuf: left to swift-protobuf.
      guard occurrences.count == 1 else { throw Unsupported() }
      Self.startMember(field, first: &first, into: &out)
      try write(message: nested, buffer, last.start..<last.end, depth: depth + 1, into: &out)
      return
    }
    if !field.hasPresence, Self.isDefault(field.kind, last, buffer) { return }
    Self.startMember(field, first: &first, into: &out)
    try writeScalar(field.kind, last, buffer, into: &out)
  }

  private func writeRepeated(
    _ field: FieldLayout, _ occurrences: ArraySlice<WireField>,
    _ buffer: UnsafeBufferPointer<UInt8>, depth: Int, first: inout Bool, into out: inout [UInt8]
  ) throws(Unsupported) {
    let natural = field.wireType
    var count = 0
    // The member is started at its first value: a packed run may hold none.
    func separate(_ out: inout [UInt8]) {
      if count == 0 {
        Self.startMember(field, first: &first, into: &out)
        out.append(UInt8(ascii: "["))
      } else {
        out.append(UInt8(ascii: ","))
      }
      count += 1
    }
    for occurrence in occurrences {
      if occurrence.wireType == natural {
        separate(&out)
        if case .message(let nested) = field.kind {
          try write(
            message: nested, buffer, occurrence.start..<occurrence.end, depth: depth + 1,
            into: &out)
        } else {
          try writeScalar(field.kind, occurrence, buffer, into: &out)
        }
      } else if occurrence.wireType == 2, natural != 2 {
        // A packed run of numeric values.
        var position = occurrence.start
        while position < occurrence.end {
          var value = WireField(
            number: field.number, wireType: natural, varint: 0, start: position, end: position,
            order: 0)
          switch natural {
          case 0:
            value.varint = try Self.varint(buffer, &position, limit: occurrence.end)
          case 1, 5:
            let size = natural == 1 ? 8 : 4
            guard occurrence.end - position >= size else { throw Unsupported() }
            value.start = position
            position += size
            value.end = position
          default:
            throw Unsupported()
          }
          separate(&out)
          try writeScalar(field.kind, value, buffer, into: &out)
        }
      } else {
        throw Unsupported()
      }
    }
    if count > 0 { out.append(UInt8(ascii: "]")) }
  }

  private func writeMap(
    _ field: FieldLayout, entry: Int, _ occurrences: ArraySlice<WireField>,
    _ buffer: UnsafeBufferPointer<UInt8>, depth: Int, first: inout Bool, into out: inout [UInt8]
  ) throws(Unsupported) {
    let fields = schema.messages[entry].fields
    guard fields.count == 2, fields[0].number == 1, fields[1].number == 2 else {
      throw Unsupported()
    }
    let keyField = fields[0]
    let valueField = fields[1]
    var keys: Set<[UInt8]> = []
    Self.startMember(field, first: &first, into: &out)
    out.append(UInt8(ascii: "{"))
    for (index, occurrence) in occurrences.enumerated() {
      guard occurrence.wireType == 2 else { throw Unsupported() }
      var key: WireField?
      var value: WireField?
      for part in try Self.scan(buffer, occurrence.start..<occurrence.end) {
        switch part.number {
        case 1: key = part
        case 2: value = part
        default: continue
        }
      }
      if index > 0 { out.append(UInt8(ascii: ",")) }
      // Keys are always quoted, whatever their type.
      var keyJSON: [UInt8] = []
      if let key {
        guard key.wireType == keyField.wireType else { throw Unsupported() }
        try writeScalar(keyField.kind, key, buffer, into: &keyJSON)
      } else {
        keyJSON = keyField.kind == .string ? Array(#""""#.utf8) : Self.defaultScalar(keyField.kind)
      }
      if keyJSON.first != UInt8(ascii: "\"") {
        keyJSON.insert(UInt8(ascii: "\""), at: 0)
        keyJSON.append(UInt8(ascii: "\""))
      }
      guard keys.insert(keyJSON).inserted else { throw Unsupported() }
      out.append(contentsOf: keyJSON)
      out.append(UInt8(ascii: ":"))
      if let value {
        guard value.wireType == valueField.wireType else { throw Unsupported() }
        if case .message(let nested) = valueField.kind {
          try write(message: nested, buffer, value.start..<value.end, depth: depth + 1, into: &out)
        } else {
          try writeScalar(valueField.kind, value, buffer, into: &out)
        }
      } else if case .message(let nested) = valueField.kind {
        try write(message: nested, buffer, 0..<0, depth: depth + 1, into: &out)
      } else if case .enumeration(let type) = valueField.kind {
        out.append(contentsOf: schema.enums[type].names[0] ?? Array("0".utf8))
      } else if valueField.kind == .string || valueField.kind == .bytes {
        out.append(contentsOf: #""""#.utf8)
      } else {
        out.append(contentsOf: Self.defaultScalar(valueField.kind))
      }
    }
    out.append(UInt8(ascii: "}"))
  }

  private static func startMember(_ field: FieldLayout, first: inout Bool, into out: inout [UInt8])
  {
    if first {
      first = false
    } else {
      out.append(UInt8(ascii: ","))
    }
    out.append(contentsOf: field.key)
  }

  /// Whether a singular value without presence holds its type's default (then it is omitted).
  private static func isDefault(
    _ kind: FieldLayout.Kind, _ value: WireField, _ buffer: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    switch kind {
    case .string, .bytes:
      return value.start == value.end
    case .double, .fixed64, .sfixed64, .float, .fixed32, .sfixed32:
      // All bits zero: -0.0 is written, as by swift-protobuf's generated `bitPattern != 0`.
      return buffer[value.start..<value.end].allSatisfy { $0 == 0 }
    case .int32, .uint32, .sint32, .enumeration:
      return UInt32(truncatingIfNeeded: value.varint) == 0
    default:
      return value.varint == 0
    }
  }

  /// The JSON of a varint-typed default, for a map entry without its key or value.
  private static func defaultScalar(_ kind: FieldLayout.Kind) -> [UInt8] {
    switch kind {
    case .bool: Array("false".utf8)
    case .double, .float: Array("0.0".utf8)
    default: Array("0".utf8)
    }
  }

  private func writeScalar(
    _ kind: FieldLayout.Kind, _ value: WireField, _ buffer: UnsafeBufferPointer<UInt8>,
    into out: inout [UInt8]
  ) throws(Unsupported) {
    switch kind {
    case .int64:
      Self.appendDecimal(Int64(bitPattern: value.varint), to: &out)
    case .uint64:
      Self.appendDecimal(value.varint, to: &out)
    case .int32:
      Self.appendDecimal(Int64(Int32(truncatingIfNeeded: value.varint)), to: &out)
    case .uint32:
      Self.appendDecimal(UInt64(UInt32(truncatingIfNeeded: value.varint)), to: &out)
    case .sint32:
      let raw = UInt32(truncatingIfNeeded: value.varint)
      Self.appendDecimal(Int64(Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))), to: &out)
    case .sint64:
      let raw = value.varint
      Self.appendDecimal(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))), to: &out)
    case .bool:
      out.append(contentsOf: (value.varint != 0 ? "true" : "false").utf8)
    case .enumeration(let type):
      let number = Int32(truncatingIfNeeded: value.varint)
      if let name = schema.enums[type].names[number] {
        out.append(contentsOf: name)
      } else {
        Self.appendDecimal(Int64(number), to: &out)
      }
    case .fixed32:
      Self.appendDecimal(UInt64(Self.littleEndian32(buffer, value.start)), to: &out)
    case .sfixed32:
      Self.appendDecimal(
        Int64(Int32(bitPattern: Self.littleEndian32(buffer, value.start))), to: &out)
    case .fixed64:
      Self.appendDecimal(Self.littleEndian64(buffer, value.start), to: &out)
    case .sfixed64:
      Self.appendDecimal(Int64(bitPattern: Self.littleEndian64(buffer, value.start)), to: &out)
    case .float:
      Self.appendFloatingPoint(
        Float(bitPattern: Self.littleEndian32(buffer, value.start)), to: &out)
    case .double:
      Self.appendFloatingPoint(
        Double(bitPattern: Self.littleEndian64(buffer, value.start)), to: &out)
    case .string:
      try JSONStringEscaping.appendQuoted(
        UnsafeBufferPointer(rebasing: buffer[value.start..<value.end]), to: &out,
        invalid: Unsupported())
    case .bytes:
      JSONStringEscaping.appendBase64(
        UnsafeBufferPointer(rebasing: buffer[value.start..<value.end]), to: &out)
    case .message:
      throw Unsupported()
    }
  }

  // MARK: - Wire format

  /// The fields of the message at `range`, in wire order.
  private static func scan(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
    throws(Unsupported) -> [WireField]
  {
    var fields: [WireField] = []
    guard !range.isEmpty else { return fields }
    fields.reserveCapacity(8)
    var position = range.lowerBound
    let end = range.upperBound
    while position < end {
      let tag = try varint(buffer, &position, limit: end)
      let number = tag >> 3
      let wireType = UInt8(tag & 7)
      guard number > 0, number <= 536_870_911 else { throw Unsupported() }
      var field = WireField(
        number: Int(number), wireType: wireType, varint: 0, start: position, end: position,
        order: fields.count)
      switch wireType {
      case 0:
        field.varint = try varint(buffer, &position, limit: end)
      case 1, 5:
        let size = wireType == 1 ? 8 : 4
        guard end - position >= size else { throw Unsupported() }
        position += size
      case 2:
        let length = try varint(buffer, &position, limit: end)
        guard length <= UInt64(end - position) else { throw Unsupported() }
        field.start = position
        position += Int(length)
      default:  // groups (3, 4) and invalid wire types
        throw Unsupported()
      }
      field.end = position
      fields.append(field)
    }
    return fields
  }

  private static func varint(
    _ buffer: UnsafeBufferPointer<UInt8>, _ position: inout Int, limit: Int
  ) throws(Unsupported) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while position < limit {
      let byte = buffer[position]
      position += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
      guard shift < 64 else { throw Unsupported() }
    }
    throw Unsupported()
  }

  private static func littleEndian32(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt32 {
    var value: UInt32 = 0
    for index in 0..<4 { value |= UInt32(buffer[start + index]) << (8 * index) }
    return value
  }

  private static func littleEndian64(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in 0..<8 { value |= UInt64(buffer[start + index]) << (8 * index) }
    return value
  }

  // MARK: - Numbers, as swift-protobuf's JSONEncoder writes them

  private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
    if value < 0 {
      out.append(UInt8(ascii: "-"))
      appendDecimal(1 + ~UInt64(bitPattern: value), to: &out)
    } else {
      appendDecimal(UInt64(bitPattern: value), to: &out)
    }
  }

  private static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
    let start = out.count
    var rest = value
    repeat {
      out.append(UInt8(ascii: "0") + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    out[start...].reverse()
  }

  private static func appendFloatingPoint<F: BinaryFloatingPoint & CustomDebugStringConvertible>(
    _ value: F, to out: inout [UInt8]
  ) {
    if value.isNaN {
      out.append(contentsOf: #""NaN""#.utf8)
    } else if !value.isFinite {
      out.append(contentsOf: (value < 0 ? #""-Infinity""# : #""Infinity""#).utf8)
    } else {
      out.append(contentsOf: value.debugDescription.utf8)
    }
  }
}
