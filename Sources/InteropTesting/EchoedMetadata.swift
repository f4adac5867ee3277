import GRPCCore

/// The part of a request's metadata the server sends back (interop "Echo Metadata").
struct EchoedMetadata: Sendable {
  /// Sent back in the response's initial metadata.
  var initial: Metadata = [:]
  /// Sent back in the response's trailing metadata.
  var trailing: Metadata = [:]

  init(_ requestMetadata: Metadata) {
    for value in requestMetadata[InteropMetadataKey.echoInitial] {
      self.initial.addValue(value, forKey: InteropMetadataKey.echoInitial)
    }
    for value in requestMetadata[InteropMetadataKey.echoTrailing] {
      self.trailing.addValue(value, forKey: InteropMetadataKey.echoTrailing)
    }
  }
}

extension Metadata {
  fileprivate mutating func addValue(_ value: Metadata.Value, forKey key: String) {
    switch value {
    case .string(let string):
      self.addString(string, forKey: key)
    case .binary(let bytes):
      self.addBinary(bytes, forKey: key)
    }
  }
}
