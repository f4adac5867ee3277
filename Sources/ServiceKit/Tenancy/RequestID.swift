/// Request ids for calls that arrive without one (service-internal work, tests, operators).
public enum RequestID {
  /// A new random request id: 32 lower-case hex digits.
  public static func generate() -> String {
    var generator = SystemRandomNumberGenerator()
    let high = generator.next() as UInt64
    let low = generator.next() as UInt64
    return hex(high) + hex(low)
  }

  private static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
