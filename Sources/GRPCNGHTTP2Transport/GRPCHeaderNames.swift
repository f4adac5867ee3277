/// Header names and values the transports compare against, as bytes so the hot path never
/// builds a String for them.
enum GRPCHeaderNames {
  static let contentTypeValue = "application/grpc"

  @inline(__always)
  static func equals(_ buffer: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    guard buffer.count == literal.utf8CodeUnitCount else { return false }
    return memcmp(buffer.baseAddress!, literal.utf8Start, buffer.count) == 0
  }

  @inline(__always)
  static func hasSuffix(_ buffer: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard buffer.count >= count else { return false }
    return memcmp(buffer.baseAddress! + (buffer.count - count), literal.utf8Start, count) == 0
  }

  /// `application/grpc` optionally followed by `+subtype` or `;params`.
  static func isGRPCContentType(_ value: String) -> Bool {
    guard value.hasPrefix(contentTypeValue) else { return false }
    let rest = value.utf8.dropFirst(contentTypeValue.utf8.count)
    guard let next = rest.first else { return true }
    return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
