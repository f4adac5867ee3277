/// A body over its route's limit: 413 `PAYLOAD_TOO_LARGE` (G13).
struct PayloadTooLarge: Error, Sendable {
  var message: String
}
