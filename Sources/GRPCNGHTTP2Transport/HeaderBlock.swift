internal import CNGHTTP2
internal import GRPCCore

/// An outgoing HTTP/2 header block in the shape nghttp2 wants (`nghttp2_nv`).
///
/// All names and values live in one byte array so building a block costs one allocation for
/// the bytes and one for the `nghttp2_nv` array, whatever the number of fields. nghttp2 copies
/// the fields when a frame is submitted, so the block only has to outlive the submit call.
struct HeaderBlock {
  private var bytes: [UInt8] = []
  private var fields: [(nameStart: Int, nameCount: Int, valueStart: Int, valueCount: Int)] = []

  init() {
    self.bytes.reserveCapacity(256)
    self.fields.reserveCapacity(8)
  }

  /// Adds a field; `name` must already be lower-case (HTTP/2 requires it).
  mutating func add(_ name: String, _ value: String) {
    let nameStart = self.bytes.count
    self.bytes.append(contentsOf: name.utf8)
    let valueStart = self.bytes.count
    self.bytes.append(contentsOf: value.utf8)
    self.fields.append(
      (nameStart, valueStart - nameStart, valueStart, self.bytes.count - valueStart))
  }

  /// Adds a field whose value is raw bytes.
  mutating func add(_ name: String, bytes value: some Sequence<UInt8>) {
    let nameStart = self.bytes.count
    self.bytes.append(contentsOf: name.utf8)
    let valueStart = self.bytes.count
    self.bytes.append(contentsOf: value)
    self.fields.append(
      (nameStart, valueStart - nameStart, valueStart, self.bytes.count - valueStart))
  }

  /// Adds every metadata entry: keys lower-cased, `-bin` values base64-encoded, and the keys a
  /// transport owns (pseudo-headers, `content-type`, `te`, ...) left out so a handler can't
  /// corrupt the framing.
  mutating func add(metadata: Metadata) {
    for (key, value) in metadata {
      let name = key.lowercased()
      if HeaderBlock.isReserved(name) { continue }
      switch value {
      case .string(let string):
        self.add(name, string)
      case .binary(let binary):
        self.add(name, bytes: Base64.encode(binary))
      }
    }
  }

  /// Keys the transport writes itself and never takes from user metadata.
  static func isReserved(_ name: String) -> Bool {
    if name.utf8.first == UInt8(ascii: ":") { return true }
    switch name {
    case "content-type", "te", "grpc-status", "grpc-message", "grpc-encoding",
      "grpc-accept-encoding", "content-length", "connection", "transfer-encoding",
      "keep-alive", "upgrade", "host", "user-agent":
      return true
    default:
      return false
    }
  }

  /// Calls `body` with an `nghttp2_nv` array pointing into this block.
  func withNameValuePairs<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
    self.bytes.withUnsafeBufferPointer { raw in
      let base = UnsafeMutablePointer(mutating: raw.baseAddress ?? UnsafePointer(bitPattern: 1)!)
      var array: [nghttp2_nv] = []
      array.reserveCapacity(self.fields.count)
      for field in self.fields {
        array.append(
          nghttp2_nv(
            name: base + field.nameStart,
            value: base + field.valueStart,
            namelen: field.nameCount,
            valuelen: field.valueCount,
            flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
          )
        )
      }
      return array.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
  }
}
