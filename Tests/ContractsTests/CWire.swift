import CContractsWire
import Foundation
import SwiftProtobuf

/// Bridges to the protoc-c implementation: decode bytes with a generated `*__unpack`, look at
/// the C struct, and encode it again with protobuf-c's packer.
enum CWire {
  struct DecodeFailure: Error, CustomStringConvertible {
    var type: String
    var description: String { "protobuf-c could not decode the bytes as \(type)" }
  }

  typealias Unpack<T> = (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) ->
    UnsafeMutablePointer<T>?
  typealias Free<T> = (UnsafeMutablePointer<T>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void

  /// Decodes `bytes` with protobuf-c, hands the C message to `inspect`, and answers what
  /// protobuf-c encodes the same message to.
  static func decode<T>(
    _ bytes: [UInt8], as type: T.Type, unpack: Unpack<T>, free: Free<T>,
    inspect: (T) throws -> Void
  ) throws -> [UInt8] {
    let message = bytes.withUnsafeBufferPointer { unpack(nil, $0.count, $0.baseAddress) }
    guard let message else { throw DecodeFailure(type: "\(T.self)") }
    defer { free(message, nil) }
    try inspect(message.pointee)
    return encode(UnsafeMutableRawPointer(message))
  }

  /// Encodes any protobuf-c message (a pointer to its struct, whose first member is the
  /// ProtobufCMessage base).
  static func encode(_ message: UnsafeMutableRawPointer) -> [UInt8] {
    let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
    let size = protobuf_c_message_get_packed_size(base)
    var out = [UInt8](repeating: 0, count: size)
    let written = out.withUnsafeMutableBufferPointer { protobuf_c_message_pack(base, $0.baseAddress) }
    precondition(written == size, "protobuf-c packed \(written) of \(size) bytes")
    return out
  }

  /// Encodes a C message built in Swift (a local struct).
  static func encode<T>(_ message: inout T) -> [UInt8] {
    withUnsafeMutablePointer(to: &message) { encode(UnsafeMutableRawPointer($0)) }
  }

  static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  static func array<T>(_ pointer: UnsafeMutablePointer<T>?, _ count: Int) -> [T] {
    guard let pointer, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
  }

  static func messages<T>(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ count: Int)
    -> [T]
  {
    array(pointer, count).compactMap { $0?.pointee }
  }

  static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
    array(data.data, data.len)
  }
}

/// Owns C memory handed to protobuf-c structs built in tests (strings, sub-messages, arrays).
final class CArena {
  private var blocks: [UnsafeMutableRawPointer] = []

  func string(_ value: String) -> UnsafeMutablePointer<CChar> {
    let copy = strdup(value)!
    blocks.append(UnsafeMutableRawPointer(copy))
    return copy
  }

  func box<T>(_ value: T) -> UnsafeMutablePointer<T> {
    array([value])
  }

  /// malloc'ed like protobuf-c's own allocations; the values are plain C data.
  func array<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
    let raw = malloc(MemoryLayout<T>.stride * max(values.count, 1))!
    blocks.append(raw)
    let pointer = raw.bindMemory(to: T.self, capacity: max(values.count, 1))
    pointer.initialize(from: values, count: values.count)
    return pointer
  }

  deinit {
    for block in blocks { free(block) }
  }
}

/// Raw protobuf encoding pieces, for unknown fields and hand-made (unpacked) encodings.
enum Wire {
  static func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var out: [UInt8] = []
    repeat {
      var byte = UInt8(value & 0x7f)
      value >>= 7
      if value != 0 { byte |= 0x80 }
      out.append(byte)
    } while value != 0
    return out
  }

  static func key(_ field: Int, _ wireType: Int) -> [UInt8] {
    varint(UInt64(field << 3 | wireType))
  }

  /// A varint field and a length-delimited field with numbers no contract uses.
  static let unknownFields: [UInt8] =
    key(1999, 0) + varint(424_242) + key(2000, 2) + varint(5) + Array("later".utf8)
}

extension SwiftProtobuf.Message {
  /// The swift-protobuf encoding as bytes.
  func wire() throws -> [UInt8] { try serializedBytes() }
}
